using Confluent.Kafka;
using LowLatency.Testing.Kafka;
using NUnit.Framework;

namespace LowLatency.Adapters.Tests.Kafka;

/// <summary>
/// What the bundled librdkafka 2.16 mock cluster implements for transactions, established by experiment.
/// It accepts the whole transactional API (InitTransactions, Begin/Commit/Abort, SendOffsetsToTransaction)
/// and writes the records and a commit marker per partition, but enforces none of its guarantees: aborted
/// records stay visible, no last stable offset, no epoch fencing, no transactional offset commits. Each test
/// asserts the observed behaviour and says what a real broker does instead, so a librdkafka upgrade whose mock
/// implements a guarantee fails here loudly: that is the signal to move the exactly-once tests from the model
/// onto the mock.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class KafkaMockTransactionTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(15);

    /// <summary>A second member's join, which needs a full rebalance of the group (see its use).</summary>
    private static readonly TimeSpan s_groupJoinTimeout = TimeSpan.FromSeconds(60);

    private KafkaMockCluster _cluster = null!;

    [OneTimeSetUp]
    public void StartCluster() => _cluster = new KafkaMockCluster(brokers: 1);

    [OneTimeTearDown]
    public void StopCluster() => _cluster.Dispose();

    [Test]
    [CancelAfter(30_000)]
    public void AbortedTransaction_OnBundledMock_StaysVisibleToReadCommitted()
    {
        string topic = Topic("abort");
        using (IProducer<Null, string> producer = Transactional("abort-tx-" + Guid.NewGuid().ToString("N")))
        {
            producer.InitTransactions(s_timeout);
            producer.BeginTransaction();
            for (int i = 0; i < 10; i++)
            {
                producer.Produce(topic, new Message<Null, string> { Value = "aborted-" + i });
            }

            producer.Flush(s_timeout);
            producer.AbortTransaction(s_timeout);

            producer.BeginTransaction();
            for (int i = 0; i < 5; i++)
            {
                producer.Produce(topic, new Message<Null, string> { Value = "committed-" + i });
            }

            producer.CommitTransaction(s_timeout);
        }

        List<string> committed = ReadAll(topic, IsolationLevel.ReadCommitted);
        List<string> uncommitted = ReadAll(topic, IsolationLevel.ReadUncommitted);
        Assert.Multiple(() =>
        {
            // A real broker: read_committed sees committed-0..4 only.
            Assert.That(committed, Is.EqualTo(uncommitted), "the mock writes no ABORT marker: read_committed sees the aborted records");
            Assert.That(committed, Has.Count.EqualTo(15));
            Assert.That(committed[..10], Is.All.StartsWith("aborted-"));
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public void OpenTransaction_OnBundledMock_VisibleToReadCommittedBeforeCommit()
    {
        string topic = Topic("open");
        using IProducer<Null, string> producer = Transactional("open-tx-" + Guid.NewGuid().ToString("N"));
        producer.InitTransactions(s_timeout);
        producer.BeginTransaction();
        producer.Produce(topic, new Message<Null, string> { Value = "pending" });
        producer.Flush(s_timeout);

        List<string> beforeCommit = ReadAll(topic, IsolationLevel.ReadCommitted);
        List<string> uncommitted = ReadAll(topic, IsolationLevel.ReadUncommitted);
        producer.CommitTransaction(s_timeout);
        List<string> afterCommit = ReadAll(topic, IsolationLevel.ReadCommitted);

        Assert.Multiple(() =>
        {
            Assert.That(uncommitted, Is.EqualTo(new[] { "pending" }));
            // A real broker: empty, the open transaction holds the last stable offset before "pending".
            Assert.That(beforeCommit, Is.EqualTo(new[] { "pending" }), "the mock keeps no last stable offset");
            Assert.That(afterCommit, Is.EqualTo(new[] { "pending" }));
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public void StaleProducerEpoch_OnBundledMock_IsNotFenced()
    {
        string topic = Topic("fence");
        string transactionalId = "fence-tx-" + Guid.NewGuid().ToString("N");
        using IProducer<Null, string> zombie = Transactional(transactionalId);
        zombie.InitTransactions(s_timeout);
        zombie.BeginTransaction();
        zombie.Produce(topic, new Message<Null, string> { Value = "zombie-before" });
        zombie.Flush(s_timeout);

        using IProducer<Null, string> successor = Transactional(transactionalId);
        successor.InitTransactions(s_timeout); // bumps the epoch and aborts the zombie's open transaction
        successor.BeginTransaction();
        successor.Produce(topic, new Message<Null, string> { Value = "successor" });
        successor.CommitTransaction(s_timeout);

        KafkaException? fenced = null;
        try
        {
            zombie.Produce(topic, new Message<Null, string> { Value = "zombie-after" });
            zombie.CommitTransaction(s_timeout);
        }
        catch (KafkaException e)
        {
            fenced = e;
        }

        TestContext.Out.WriteLine($"zombie: {fenced?.Error.Code} fatal={fenced?.Error.IsFatal} '{fenced?.Error.Reason}'");
        List<string> committed = ReadAll(topic, IsolationLevel.ReadCommitted);
        Assert.Multiple(() =>
        {
            // A real broker: the zombie's produce or commit fails with ProducerFenced (fatal), and read_committed
            // sees "successor" only (InitTransactions aborted the zombie's open transaction).
            Assert.That(fenced, Is.Null, "the mock does not fence a stale producer epoch");
            Assert.That(committed, Is.EquivalentTo(new[] { "zombie-before", "successor", "zombie-after" }), "the mock keeps every record of the zombie");
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public void SendOffsetsToTransaction_OnBundledMock_AcceptedButStoresNoGroupOffsets()
    {
        string input = Topic("offsets-in");
        string output = Topic("offsets-out");
        string group = "offsets-group-" + Guid.NewGuid().ToString("N")[..8];
        using (IProducer<Null, string> plain = new ProducerBuilder<Null, string>(_cluster.ProducerConfig()).SetLogHandler((_, _) => { }).Build())
        {
            for (int i = 0; i < 20; i++)
            {
                plain.Produce(input, new Message<Null, string> { Value = "in-" + i });
            }

            plain.Flush(s_timeout);
        }

        using IConsumer<Ignore, string> consumer = GroupConsumer(group);
        consumer.Subscribe(input);
        ConsumeResult<Ignore, string> first = ConsumeOne(consumer);
        var partition = first.TopicPartition;

        using IProducer<Null, string> producer = Transactional("offsets-tx-" + Guid.NewGuid().ToString("N"));
        producer.InitTransactions(s_timeout);

        producer.BeginTransaction();
        producer.Produce(output, new Message<Null, string> { Value = "aborted" });
        producer.Flush(s_timeout); // delivered: an abort would otherwise just purge it from the client's queue
        producer.SendOffsetsToTransaction([new TopicPartitionOffset(partition, 7)], consumer.ConsumerGroupMetadata, s_timeout);
        producer.AbortTransaction(s_timeout);
        long afterAbort = CommittedOffset(consumer, partition);

        producer.BeginTransaction();
        producer.Produce(output, new Message<Null, string> { Value = "committed" });
        producer.SendOffsetsToTransaction([new TopicPartitionOffset(partition, 5)], consumer.ConsumerGroupMetadata, s_timeout);
        long duringTransaction = CommittedOffset(consumer, partition);
        producer.CommitTransaction(s_timeout);
        long afterCommit = CommittedOffset(consumer, partition);
        consumer.Close();

        TestContext.Out.WriteLine($"afterAbort={afterAbort} duringTransaction={duringTransaction} afterCommit={afterCommit}");
        Assert.Multiple(() =>
        {
            Assert.That(afterAbort, Is.LessThan(0), "an aborted transaction's offsets are not committed");
            Assert.That(duringTransaction, Is.LessThan(0), "offsets are not visible before the transaction commits");
            // A real broker: 5, committed with the transaction (TxnOffsetCommit). The mock accepts the call and drops the offsets.
            Assert.That(afterCommit, Is.LessThan(0), "the mock stores no transactional offset commit");
            Assert.That(ReadAll(output, IsolationLevel.ReadCommitted), Is.EqualTo(new[] { "aborted", "committed" }), "and hides no aborted output");
        });
    }

    [Test]
    [CancelAfter(120_000)]
    public void SendOffsetsToTransaction_WithStaleGroupGenerationOnBundledMock_IsAccepted()
    {
        // KIP-447: offsets sent with a generation the group has moved past are refused, which fences a zombie
        // whose partitions were reassigned even under a different transactional.id. Whether the mock checks it:
        string input = Topic("generation-in", partitions: 2);
        string group = "generation-group-" + Guid.NewGuid().ToString("N")[..8];
        using (IProducer<Null, string> plain = new ProducerBuilder<Null, string>(_cluster.ProducerConfig()).SetLogHandler((_, _) => { }).Build())
        {
            plain.Produce(new TopicPartition(input, 0), new Message<Null, string> { Value = "x" });
            plain.Produce(new TopicPartition(input, 1), new Message<Null, string> { Value = "y" });
            plain.Flush(s_timeout);
        }

        using IConsumer<Ignore, string> stale = GroupConsumer(group);
        stale.Subscribe(input);
        ConsumeResult<Ignore, string> first = ConsumeOne(stale);
        IConsumerGroupMetadata staleMetadata = stale.ConsumerGroupMetadata;

        // A second member joins: the group moves to a new generation. The rebalance needs both members to poll (the
        // first must see the revocation and rejoin, then the coordinator syncs both): a few hundred ms on a quiet box,
        // once more than 15 s under two CPU hogs, so the wait is bounded by s_groupJoinTimeout and says what it waited for.
        using IConsumer<Ignore, string> newer = GroupConsumer(group);
        newer.Subscribe(input);
        var joining = System.Diagnostics.Stopwatch.StartNew();
        while (newer.Assignment.Count == 0)
        {
            Assert.That(joining.Elapsed, Is.LessThan(s_groupJoinTimeout),
                $"the second member was not assigned a partition within {s_groupJoinTimeout.TotalSeconds:0} s of joining (both members polling every 50 ms); first member's assignment: {string.Join(',', stale.Assignment)}");
            stale.Consume(50);
            newer.Consume(50);
        }

        TestContext.Out.WriteLine($"the second member joined after {joining.Elapsed.TotalSeconds:0.0} s");

        using IProducer<Null, string> producer = Transactional("generation-tx-" + Guid.NewGuid().ToString("N"));
        producer.InitTransactions(s_timeout);
        producer.BeginTransaction();
        KafkaException? refused = null;
        try
        {
            producer.SendOffsetsToTransaction([new TopicPartitionOffset(first.TopicPartition, 1)], staleMetadata, s_timeout);
            producer.CommitTransaction(s_timeout);
        }
        catch (KafkaException e)
        {
            refused = e;
        }

        TestContext.Out.WriteLine($"stale generation: {refused?.Error.Code} '{refused?.Error.Reason}'");
        // A real broker (KIP-447): the commit fails (IllegalGeneration / FencedInstanceId family).
        Assert.That(refused, Is.Null, "the mock does not check the group generation of transactional offsets");
    }

    [Test]
    [CancelAfter(30_000)]
    public void CommitTransaction_OnBundledMock_WritesOneMarkerBeforeItReturns()
    {
        string topic = Topic("marker");
        using IProducer<Null, string> plain = new ProducerBuilder<Null, string>(_cluster.ProducerConfig()).SetLogHandler((_, _) => { }).Build();
        using IProducer<Null, string> producer = Transactional("marker-tx-" + Guid.NewGuid().ToString("N"));
        producer.InitTransactions(s_timeout);
        var offsets = new List<long>();
        for (int round = 0; round < 3; round++)
        {
            producer.BeginTransaction();
            offsets.Add(OffsetOf(producer.ProduceAsync(topic, new Message<Null, string> { Value = "tx" })));
            offsets.Add(OffsetOf(producer.ProduceAsync(topic, new Message<Null, string> { Value = "tx" })));
            producer.CommitTransaction(s_timeout);
            offsets.Add(OffsetOf(plain.ProduceAsync(topic, new Message<Null, string> { Value = "plain" })));
        }

        // A real broker also writes one COMMIT marker per partition of the transaction, possibly after
        // CommitTransaction returns, but always before the producer's next transaction writes to the partition.
        Assert.That(offsets, Is.EqualTo(new long[] { 0, 1, 3, 4, 5, 7, 8, 9, 11 }), "the marker takes the offset after each transaction's records, before CommitTransaction returns");
        Assert.That(ReadAll(topic, IsolationLevel.ReadCommitted), Has.Count.EqualTo(9), "consumers skip the markers");
    }

    private string Topic(string name, int partitions = 1)
    {
        string topic = $"tx-{name}-{Guid.NewGuid():N}"[..24];
        _cluster.CreateTopic(topic, partitions);
        return topic;
    }

    private IProducer<Null, string> Transactional(string transactionalId)
    {
        ProducerConfig config = _cluster.ProducerConfig();
        config.TransactionalId = transactionalId;
        return new ProducerBuilder<Null, string>(config).SetLogHandler((_, _) => { }).Build();
    }

    private IConsumer<Ignore, string> GroupConsumer(string group) =>
        new ConsumerBuilder<Ignore, string>(new ConsumerConfig
        {
            BootstrapServers = _cluster.BootstrapServers,
            GroupId = group,
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            SessionTimeoutMs = 6000,
            HeartbeatIntervalMs = 500,
        }).SetLogHandler((_, _) => { }).Build();

    private static ConsumeResult<Ignore, string> ConsumeOne(IConsumer<Ignore, string> consumer)
    {
        ConsumeResult<Ignore, string>? result = consumer.Consume(s_timeout);
        return result ?? throw new TimeoutException("no record consumed within " + s_timeout);
    }

    private static long OffsetOf(Task<DeliveryResult<Null, string>> delivery) =>
        delivery.Wait(s_timeout) ? delivery.Result.Offset.Value : throw new TimeoutException("no delivery report within " + s_timeout);

    private static long CommittedOffset(IConsumer<Ignore, string> consumer, TopicPartition partition) =>
        consumer.Committed([partition], s_timeout)[0].Offset.Value;

    private List<string> ReadAll(string topic, IsolationLevel isolation)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = _cluster.BootstrapServers,
            GroupId = "reader-" + Guid.NewGuid().ToString("N"),
            EnablePartitionEof = true,
            EnableAutoCommit = false,
            IsolationLevel = isolation,
        };
        using IConsumer<Ignore, string> consumer = new ConsumerBuilder<Ignore, string>(config).SetLogHandler((_, _) => { }).Build();
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        var values = new List<string>();
        DateTime deadline = DateTime.UtcNow + s_timeout;
        while (DateTime.UtcNow < deadline)
        {
            ConsumeResult<Ignore, string>? result = consumer.Consume(100);
            if (result is null)
            {
                continue;
            }

            if (result.IsPartitionEOF)
            {
                return values;
            }

            values.Add(result.Message.Value);
        }

        throw new TimeoutException($"{topic} ({isolation}) not read to its end within {s_timeout}.");
    }
}

using Confluent.Kafka;
using LowLatency.Adapters.Kafka;
using LowLatency.Testing.Kafka;
using NUnit.Framework;

namespace LowLatency.Adapters.Tests.Kafka;

/// <summary>
/// What the source's poll path relies on (re-run at each Confluent.Kafka or librdkafka upgrade): does a batch consume through librdkafka's C API, on the handle of a
/// Confluent.Kafka consumer (<c>rd_kafka_queue_get_consumer</c> + <c>rd_kafka_consume_batch_queue</c> +
/// <c>rd_kafka_message_destroy</c>), keep what the source relies on: Confluent's rebalance handlers, the consumer's
/// position, the offset store and commit, and <c>SendOffsetsToTransaction</c> with the group metadata (exactly once)?
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class KafkaBatchConsumeProbeTests
{
    [Test]
    [CancelAfter(60_000)]
    public void BatchConsumeOnConfluentsHandle_KeepsRebalanceHandlersPositionsCommitsAndTransactionalOffsets(CancellationToken cancellationToken)
    {
        using var cluster = new KafkaMockCluster(brokers: 1);
        cluster.CreateTopic("probe", 2);
        TickFeed.Produce(cluster.BootstrapServers, "probe", 2, keys: 4, ticksPerKey: 250, seed: 7); // 500 per partition
        int assigned = 0, revoked = 0;
        int pollThread = Environment.CurrentManagedThreadId;
        int handlerThread = -1;
        var config = new ConsumerConfig
        {
            BootstrapServers = cluster.BootstrapServers,
            GroupId = "probe",
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            EnablePartitionEof = true,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            SessionTimeoutMs = 1500,
            HeartbeatIntervalMs = 375,
        };
        using IConsumer<Ignore, Ignore> consumer = new ConsumerBuilder<Ignore, Ignore>(config)
            .SetPartitionsAssignedHandler((_, _) => { assigned++; handlerThread = Environment.CurrentManagedThreadId; })
            .SetPartitionsRevokedHandler((_, _) => revoked++)
            .SetLogHandler((_, _) => { })
            .Build();
        consumer.Subscribe("probe");
        using var batch = new LibrdkafkaConsumerQueue(consumer, 256);
        var next = new long[2];
        var eof = new bool[2];
        long decoded = 0;
        var tick = default(Tick);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!(eof[0] && eof[1] && next[0] == 500 && next[1] == 500))
        {
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)), $"batch consume did not reach both partitions' ends within 30 s: next={next[0]},{next[1]} eof={eof[0]},{eof[1]} assigned={assigned}");
            int count = batch.Poll(256, 50);
            for (int i = 0; i < count; i++)
            {
                ref readonly LibrdkafkaConsumerQueue.RawMessage m = ref batch[i];
                if (m.Err == LibrdkafkaConsumerQueue.PartitionEof)
                {
                    eof[m.Partition] = true;
                    continue;
                }

                Assert.That(m.Err, Is.Zero, "a consume error");
                Assert.That(batch.TopicName(m.Topic), Is.EqualTo("probe"));
                Assert.That(m.Offset, Is.EqualTo(next[m.Partition]), "offsets in order, none skipped");
                next[m.Partition] = m.Offset + 1;
                eof[m.Partition] = false;
                if (TickCodec.Instance.TryDecode(m.Value, ref tick))
                {
                    decoded++;
                }
            }
        }

        TopicPartition p0 = new("probe", 0), p1 = new("probe", 1);
        Assert.Multiple(() =>
        {
            Assert.That(decoded, Is.EqualTo(1000), "every record's value decoded straight from librdkafka's buffer");
            Assert.That(assigned, Is.EqualTo(1), "Confluent's assigned handler ran inside the batch call");
            Assert.That(handlerThread, Is.EqualTo(pollThread), "on the polling thread");
            Assert.That(consumer.Position(p0).Value, Is.EqualTo(500), "the consumer's position follows what the batch call returned");
            Assert.That(consumer.Position(p1).Value, Is.EqualTo(500));
        });

        // The offset store and a synchronous commit, as the source uses them (at least once).
        consumer.StoreOffset(new TopicPartitionOffset(p0, 400));
        consumer.StoreOffset(new TopicPartitionOffset(p1, 500));
        consumer.Commit();
        List<TopicPartitionOffset> committed = consumer.Committed([p0, p1], TimeSpan.FromSeconds(10));
        Assert.That(committed.Select(c => c.Offset.Value), Is.EqualTo(new long[] { 400, 500 }), "stored offsets committed");

        // Exactly once: the consumed positions sent to a transaction with the group metadata.
        using (IProducer<Null, byte[]> producer = new ProducerBuilder<Null, byte[]>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers, TransactionalId = "probe-tx" }).SetLogHandler((_, _) => { }).Build())
        {
            producer.InitTransactions(TimeSpan.FromSeconds(10));
            producer.BeginTransaction();
            producer.SendOffsetsToTransaction([new TopicPartitionOffset(p0, consumer.Position(p0)), new TopicPartitionOffset(p1, consumer.Position(p1))], consumer.ConsumerGroupMetadata, TimeSpan.FromSeconds(10));
            producer.CommitTransaction(TimeSpan.FromSeconds(10));
        }

        // Accepted with this consumer's group metadata. What it commits cannot be read back here: the bundled mock
        // stores no transactional group offsets (KafkaMockTransactionTests.SendOffsetsToTransaction_OnBundledMock_…);
        // the positions it was given are the ones checked above.
        committed = consumer.Committed([p0, p1], TimeSpan.FromSeconds(10));
        Assert.That(committed.Select(c => c.Offset.Value), Is.EqualTo(new long[] { 400, 500 }), "the mock left the group's offsets as they were");

        // A second member joins: the revocation reaches Confluent's handler inside the batch call too.
        using IConsumer<Ignore, Ignore> other = new ConsumerBuilder<Ignore, Ignore>(config).SetLogHandler((_, _) => { }).Build();
        other.Subscribe("probe");
        bool done = false;
        Task otherPolls = Task.Run(() =>
        {
            while (!cancellationToken.IsCancellationRequested && !Volatile.Read(ref done))
            {
                other.Consume(50);
            }
        }, cancellationToken);
        clock.Restart();
        while (revoked == 0 || assigned < 2)
        {
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(20)), $"no rebalance reached the batch-consuming member within 20 s: revoked={revoked} assigned={assigned}");
            batch.Poll(256, 50);
        }

        Volatile.Write(ref done, true);
        Assert.That(otherPolls.Wait(TimeSpan.FromSeconds(20), cancellationToken), Is.True, "the second member's poll loop did not end within 20 s");
        TestContext.Out.WriteLine($"assigned={assigned} revoked={revoked} mine={string.Join(',', consumer.Assignment)} other={string.Join(',', other.Assignment)}");
        Assert.That(consumer.Assignment, Has.Count.EqualTo(1), "after the revocation the batch-consuming member was given its share");
        batch.Dispose(); // before the close: librdkafka's destroy waits for every reference to the consumer's queue
        other.Close();
        consumer.Close();
    }
}

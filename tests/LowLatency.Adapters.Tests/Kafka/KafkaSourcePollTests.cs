using System.Diagnostics;
using System.Runtime.CompilerServices;
using Confluent.Kafka;
using LowLatency.Adapters.Kafka;
using LowLatency.Engine.Pipelines;
using LowLatency.Engine.Processing;
using LowLatency.Testing.Kafka;
using NUnit.Framework;

namespace LowLatency.Adapters.Tests.Kafka;

/// <summary>
/// The source's batch poll path: a batch claims a range of slots, decodes records straight into them, hands back the
/// slots of refused records, and publishes once; it allocates nothing per record.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class KafkaSourcePollTests
{
    [Test]
    [CancelAfter(60_000)]
    public async Task Poll_MalformedRecordsInsideAndAtTheEndOfBatches_EveryGoodRecordOnceInOrderAndNoClaimLeftOver()
    {
        using var cluster = new KafkaMockCluster(brokers: 1);
        cluster.CreateTopic("mixed", 2);
        var expected = new List<long>[] { [], [] };
        int good = 0;
        using (IProducer<Null, byte[]> producer = new ProducerBuilder<Null, byte[]>(cluster.ProducerConfig()).SetLogHandler((_, _) => { }).Build())
        {
            // 3 000 records over 2 partitions, more than the ring holds (it wraps); every 13th is 29 bytes, every
            // 31st a tombstone, and each partition ends on refused records: the tail of the last batch is refused.
            for (int i = 0; i < 3000; i++)
            {
                int partition = i % 2;
                bool refused = i % 13 == 5 || i >= 2996;
                byte[]? value = refused ? new byte[TickCodec.Size + 1] : i % 31 == 7 ? null : TickCodec.Encode(new Tick { Key = partition, Seq = i, Time = i, Price = 1 });
                if (value is { Length: TickCodec.Size })
                {
                    expected[partition].Add(i);
                    good++;
                }

                producer.Produce(new TopicPartition("mixed", partition), new Message<Null, byte[]> { Value = value! });
            }

            producer.Flush(TimeSpan.FromSeconds(20));
        }

        var seen = new List<long>[] { [], [] };
        await using var pipeline = Pipeline<Tick>.Create(PipelineOptions.Default with { Name = "poll", Capacity = 256, WaitStrategy = WaitStrategyKind.Blocking, DrainTimeout = TimeSpan.FromSeconds(10) });
        pipeline.HandleEventsWith(new RecordingStage(seen));
        var source = new KafkaSource<Tick>(pipeline, TickCodec.Instance, Options(cluster.BootstrapServers, "mixed"));
        pipeline.Start();
        source.Start();
        var clock = Stopwatch.StartNew();
        while (!(source.IsCaughtUp && pipeline.CompletedSequence + 1 == good))
        {
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)), $"not caught up within 30 s: consumed={source.Consumed}/{good} malformed={source.Malformed} fault={source.Completion.Exception?.InnerException?.Message}");
            await Task.Delay(10);
        }

        long claimed = pipeline.RingBuffer.Sequencer.ClaimedSequence;
        long cursor = pipeline.RingBuffer.Cursor.ValueAcquire;
        Task stopped = source.StopAsync();
        var drain = Stopwatch.StartNew();
        await pipeline.DrainAsync();
        drain.Stop();
        await stopped;
        Assert.Multiple(() =>
        {
            Assert.That(source.Consumed, Is.EqualTo(good), "every good record published once");
            Assert.That(source.Malformed, Is.EqualTo(3000 - good), "every refused record counted");
            Assert.That(claimed, Is.EqualTo(cursor), "no claim outlives its batch: the refused records' slots were handed back");
            Assert.That(drain.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)), "the drain found no claimed, unpublished slot to wait for");
            Assert.That(seen[0], Is.EqualTo(expected[0]), "partition 0: every good record once, in offset order");
            Assert.That(seen[1], Is.EqualTo(expected[1]), "partition 1: every good record once, in offset order");
        });
    }

    [Test]
    [CancelAfter(90_000)]
    public async Task Poll_SteadyState_AllocatesNothingPerRecord()
    {
        const int records = 100_000;
        using var cluster = new KafkaMockCluster(brokers: 1);
        cluster.CreateTopic("steady", 1);
        Feed(cluster, "steady", 0, 2_000);
        var count = new StrongBox<long>();
        await using var pipeline = Pipeline<Tick>.Create(PipelineOptions.Default with { Name = "steady", Capacity = 1 << 14, WaitStrategy = WaitStrategyKind.Blocking });
        pipeline.HandleEventsWith(new CountingStage(count));
        await using var source = new KafkaSource<Tick>(pipeline, TickCodec.Instance, Options(cluster.BootstrapServers, "steady"));
        pipeline.Start();
        source.Start();
        await WaitForCount(source, count, 2_000);

        // Warmed up (joined, assigned, JIT-compiled): the next records are fed while nothing else in this process runs.
        Feed(cluster, "steady", 2_000, records);
        long before = GC.GetTotalAllocatedBytes(precise: true);
        await WaitForCount(source, count, 2_000 + records);
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        double perRecord = (double)allocated / records;
        TestContext.Out.WriteLine($"{allocated} B allocated in the process while {records} records went through: {perRecord:0.00} B/record");

        // One object per record would be ≥ 24 B/record; what remains is per progress round (offset store, lag) and the
        // test's own waiting, spread over the records.
        Assert.That(perRecord, Is.LessThan(8), "the poll path allocates per round, not per record");
    }

    private static void Feed(KafkaMockCluster cluster, string topic, int from, int count)
    {
        using IProducer<Null, byte[]> producer = new ProducerBuilder<Null, byte[]>(cluster.ProducerConfig()).SetLogHandler((_, _) => { }).Build();
        for (int i = from; i < from + count; i++)
        {
            while (true)
            {
                try
                {
                    producer.Produce(topic, new Message<Null, byte[]> { Value = TickCodec.Encode(new Tick { Key = 0, Seq = i, Time = i, Price = 1 }) });
                    break;
                }
                catch (ProduceException<Null, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(10));
                }
            }
        }

        Assert.That(producer.Flush(TimeSpan.FromSeconds(30)), Is.Zero, "the feed was not delivered within 30 s");
    }

    private static async Task WaitForCount(KafkaSource<Tick> source, StrongBox<long> count, long target)
    {
        var clock = Stopwatch.StartNew();
        while (Volatile.Read(ref count.Value) < target)
        {
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(40)), $"{target} records not handled within 40 s: handled={Volatile.Read(ref count.Value)} consumed={source.Consumed} fault={source.Completion.Exception?.InnerException?.Message}");
            await Task.Delay(20);
        }
    }

    private static KafkaSourceOptions Options(string bootstrap, string topic) => KafkaSourceOptions.Default with
    {
        Name = "poll",
        BootstrapServers = bootstrap,
        GroupId = "poll-" + Guid.NewGuid().ToString("N")[..8],
        Topics = [topic],
        SessionTimeout = TimeSpan.FromMilliseconds(1500),
    };

    private readonly struct RecordingStage(List<long>[] seen) : IEventHandler<Tick>
    {
        public void OnEvent(ref Tick data, long sequence, bool endOfBatch) => seen[data.Key].Add(data.Seq);
    }

    private readonly struct CountingStage(StrongBox<long> count) : IEventHandler<Tick>
    {
        public void OnEvent(ref Tick data, long sequence, bool endOfBatch) => Volatile.Write(ref count.Value, count.Value + 1);
    }
}

using System.Diagnostics.Metrics;
using Confluent.Kafka;
using LowLatency.Adapters.Kafka;
using LowLatency.Engine.Pipelines;
using LowLatency.Engine.Processing;
using LowLatency.Testing.Kafka;
using NUnit.Framework;

namespace LowLatency.Adapters.Tests.Kafka;

[TestFixture]
[NonParallelizable]
public sealed class KafkaWatermarkTests
{
    private KafkaMockCluster _cluster = null!;

    [OneTimeSetUp]
    public void StartCluster() => _cluster = new KafkaMockCluster(brokers: 1);

    [OneTimeTearDown]
    public void StopCluster() => _cluster.Dispose();

    [Test]
    [CancelAfter(30_000)]
    public async Task Watermark_PartitionsAtTheirEnd_AreIdleAtOnceAndTheMinimumNeverGoesBack(CancellationToken cancellationToken)
    {
        const string topic = "ticks-watermark";
        _cluster.CreateTopic(topic, 2);
        // Partition 0 runs ahead in event time (1000..1099), partition 1 behind (10..109): while both are
        // active the combined watermark is held by partition 1.
        Produce(topic, partition: 0, key: 0, firstTime: 1000);
        Produce(topic, partition: 1, key: 1, firstTime: 10);

        var seen = new Seen();
        Pipeline<Tick> pipeline = Pipeline<Tick>.Create(PipelineOptions.Default with { Capacity = 256, WaitStrategy = WaitStrategyKind.Blocking });
        var source = new KafkaSource<Tick>(pipeline, TickCodec.Instance, KafkaSourceOptions.Default with
        {
            BootstrapServers = _cluster.BootstrapServers,
            GroupId = "watermark",
            Topics = [topic],
            SessionTimeout = TimeSpan.FromMilliseconds(1500),
        });
        seen.Source = source;
        pipeline.HandleEventsWith(new RecordingStage(seen));
        pipeline.Start();
        source.Start();
        while (!(source.IsCaughtUp && seen.Count == 200))
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Delay(10, cancellationToken);
        }

        long final = source.Watermark;
        await source.StopAsync(cancellationToken);
        await pipeline.DrainAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(seen.Backwards, Is.Zero, "watermarks stamped on events never go back");
            Assert.That(seen.AheadOfBothPartitions, Is.Zero, "while both partitions are active, W < the slower partition's max time");
            Assert.That(seen.Records.Select(r => r.Partition).Distinct(), Is.EquivalentTo(new[] { 0, 1 }));
            Assert.That(final, Is.EqualTo(1098), "both partitions at their end are idle: W = max(maxTs − 1)");
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Lag_StageStalled_ReportedPerPartitionOnTheLowLatencyMeter(CancellationToken cancellationToken)
    {
        const string topic = "ticks-lag";
        _cluster.CreateTopic(topic, 2);
        Produce(topic, partition: 0, key: 0, firstTime: 0);
        Produce(topic, partition: 1, key: 1, firstTime: 0);
        using var gate = new ManualResetEventSlim(false);
        var lags = new Dictionary<int, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "LowLatency" && instrument.Name == "lowlatency.kafka.consumer.lag")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                if (tag.Key == "partition" && tag.Value is int partition)
                {
                    lags[partition] = value;
                }
            }
        });
        listener.Start();

        Pipeline<Tick> pipeline = Pipeline<Tick>.Create(PipelineOptions.Default with { Capacity = 16, WaitStrategy = WaitStrategyKind.Blocking });
        pipeline.HandleEventsWith(new GatedStage(gate));
        var source = new KafkaSource<Tick>(pipeline, TickCodec.Instance, KafkaSourceOptions.Default with
        {
            BootstrapServers = _cluster.BootstrapServers,
            GroupId = "lag",
            Topics = [topic],
            SessionTimeout = TimeSpan.FromMilliseconds(1500),
        });
        pipeline.Start();
        source.Start();
        while (!(source.IsPaused && lags.Count == 2 && lags.Values.Sum() > 0))
        {
            if (cancellationToken.IsCancellationRequested)
            {
                Assert.Fail($"paused={source.IsPaused} consumed={source.Consumed} lags={string.Join(",", lags)} {source.DescribePartitions()}");
            }

            listener.RecordObservableInstruments();
            await Task.Delay(20, cancellationToken);
        }

        gate.Set();
        while (!(source.IsCaughtUp && lags.Values.Sum() == 0))
        {
            cancellationToken.ThrowIfCancellationRequested();
            listener.RecordObservableInstruments();
            await Task.Delay(20, cancellationToken);
        }

        await source.StopAsync(cancellationToken);
        await pipeline.DrainAsync(cancellationToken);
        Assert.That(lags.Keys, Is.EquivalentTo(new[] { 0, 1 }));
    }

    private void Produce(string topic, int partition, int key, long firstTime)
    {
        using IProducer<Null, byte[]> producer = new ProducerBuilder<Null, byte[]>(new ProducerConfig { BootstrapServers = _cluster.BootstrapServers }).Build();
        for (int i = 0; i < 100; i++)
        {
            var tick = new Tick { Key = key, Seq = i + 1, Time = firstTime + i, Price = 1 };
            producer.Produce(new TopicPartition(topic, partition), new Message<Null, byte[]> { Value = TickCodec.Encode(in tick) });
        }

        producer.Flush(TimeSpan.FromSeconds(10));
    }

    private sealed class Seen
    {
        public KafkaSource<Tick> Source = null!;
        public readonly List<KafkaRecordInfo> Records = [];
        public long LastWatermark = long.MinValue;
        public long Backwards;
        public long AheadOfBothPartitions;
        public readonly long[] MaxTime = [long.MinValue, long.MinValue];

        public int Count => Volatile.Read(ref _count);

        private int _count;

        public void Add(long sequence)
        {
            KafkaRecordInfo info = Source.RecordAt(sequence);
            Records.Add(info);
            MaxTime[info.Partition] = Math.Max(MaxTime[info.Partition], info.EventTime);
            Backwards += info.Watermark < LastWatermark ? 1 : 0;
            LastWatermark = info.Watermark;
            // Partition 1 never reaches its end before its last record: while it has records left, W must stay below its max time.
            if (MaxTime[1] != long.MinValue && MaxTime[1] < 109)
            {
                AheadOfBothPartitions += info.Watermark >= MaxTime[1] ? 1 : 0;
            }

            Interlocked.Increment(ref _count);
        }
    }

    private readonly struct RecordingStage(Seen seen) : IEventHandler<Tick>
    {
        public void OnEvent(ref Tick data, long sequence, bool endOfBatch) => seen.Add(sequence);
    }

    private readonly struct GatedStage(ManualResetEventSlim gate) : IEventHandler<Tick>
    {
        public void OnEvent(ref Tick data, long sequence, bool endOfBatch) => gate.Wait();
    }
}

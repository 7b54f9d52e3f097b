using System.Buffers.Binary;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Streamiz.Kafka.Net;
using Streamiz.Kafka.Net.Processors;
using Streamiz.Kafka.Net.SerDes;
using Streamiz.Kafka.Net.Stream;

namespace LowLatency.Lab.Bench.Kafka;

/// <summary>
/// The anchor of the bars job: the same 1 s tumbling count per instrument done by Streamiz.Kafka.Net 1.8.2 (the
/// .NET port of Kafka Streams), at least once, on the same mock cluster and pre-filled topic as
/// <see cref="KafkaBarsScenario"/>: ticks (no record key) → group by instrument → tumbling 1 s of tick time →
/// count → every update counted. Timed from the first record read to the last update, like the bars job.
/// </summary>
/// <remarks>
/// The ticks carry no record key, so the group-by repartitions through an internal topic, and the window store
/// writes a changelog record per update: what Kafka Streams does with this input. The mock has no controller, so
/// Streamiz cannot create those topics ("Failed while waiting for controller: Local: Timed out"): the scenario
/// creates them first under the names Streamiz derives from the application id.
/// </remarks>
internal sealed class KafkaStreamizBarsScenario : IBenchScenario
{
    public string Name => "kafka-streamiz-bars";

    public string Group => "kafka-bars";

    public string Description => "anchor: Streamiz.Kafka.Net 1.8.2, ticks → GroupBy(instrument) → tumbling 1 s → Count, at least once, on the same mock";

    public BenchResult Run(BenchContext context)
    {
        (string topic, long events) = KafkaBenchCluster.Topic(context.Events);
        string application = KafkaBenchCluster.NewGroup(Name);
        KafkaBenchCluster.CreateTopic($"{application}-KSTREAM-AGGREGATE-STATE-STORE-0000000004-repartition");
        KafkaBenchCluster.CreateTopic($"{application}-KSTREAM-AGGREGATE-STATE-STORE-0000000004-changelog");
        var config = new StreamConfig<ByteArraySerDes, ByteArraySerDes>
        {
            ApplicationId = application,
            BootstrapServers = KafkaBenchCluster.BootstrapServers,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            Guarantee = ProcessingGuarantee.AT_LEAST_ONCE,
            DefaultTimestampExtractor = new TickTime(),
            Logger = NullLoggerFactory.Instance,
        };
        var progress = new Progress(events);
        var builder = new StreamBuilder();
        builder.Stream<byte[], byte[]>(topic)
            .Peek((_, _, _) => progress.OnRead())
            .GroupBy<int, Int32SerDes>((_, value, _) => BinaryPrimitives.ReadInt32LittleEndian(value))
            .WindowedBy(TumblingWindowOptions.Of(TimeSpan.FromSeconds(1)))
            .Count()
            .ToStream()
            .Foreach((_, _, _) => progress.OnUpdate());
        using var stream = new KafkaStream(builder.Build(), config);
        stream.StartAsync().GetAwaiter().GetResult();
        if (!progress.FirstRead.Wait(TimeSpan.FromMinutes(1)))
        {
            throw new TimeoutException($"{Name}: no record read after a minute.");
        }

        BenchMeasurement measurement = BenchMeasurement.Start();
        if (!progress.Done.Wait(TimeSpan.FromMinutes(3)))
        {
            throw new TimeoutException($"{Name}: {progress.Updates}/{events} updates after 3 minutes.");
        }

        return measurement.Stop(events);
    }

    /// <summary>What the topology's callbacks (Streamiz's stream threads) saw.</summary>
    private sealed class Progress(long expected)
    {
        private long _updates;

        public ManualResetEventSlim FirstRead { get; } = new(false);

        public ManualResetEventSlim Done { get; } = new(false);

        public long Updates => Volatile.Read(ref _updates);

        public void OnRead()
        {
            if (!FirstRead.IsSet)
            {
                FirstRead.Set();
            }
        }

        public void OnUpdate()
        {
            if (Interlocked.Increment(ref _updates) == expected)
            {
                Done.Set();
            }
        }
    }

    /// <summary>A tick's event time (bytes 12..20 of its value, as <c>TickCodec</c> writes it), read as milliseconds.</summary>
    private sealed class TickTime : ITimestampExtractor
    {
        public long Extract(ConsumeResult<object, object> record, long partitionTime) => BinaryPrimitives.ReadInt64LittleEndian(((byte[])record.Message.Value).AsSpan(12));
    }
}

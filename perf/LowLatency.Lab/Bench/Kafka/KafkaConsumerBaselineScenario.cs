using System.Buffers.Binary;
using System.Diagnostics;
using Confluent.Kafka;

namespace LowLatency.Lab.Bench.Kafka;

/// <summary>
/// Baseline: the plain Confluent.Kafka consumer loop a careful .NET developer writes (subscribe, <c>Consume</c>,
/// sum a field), on the same mock cluster and topic as <see cref="KafkaSourceScenario"/>, tuned as the source is:
/// the same prefetch bound (<c>queued.max.messages.kbytes</c> = 16 MiB), no per-record result fields it does not
/// read (<c>dotnet.consumer.consume.result.fields</c> = none; the source keeps only the topic), and a value
/// deserializer that reads the field from librdkafka's buffer instead of copying it into a <c>byte[]</c>. Timed
/// from the first record to the last, so group join is excluded from both.
/// </summary>
internal sealed class KafkaConsumerBaselineScenario : IBenchScenario
{
    public string Name => "kafka-consumer-baseline";

    public string Group => "kafka";

    public string Description => "plain Confluent consumer loop (Consume → value span → sum, no byte[], result fields none, 16 MiB prefetch), librdkafka mock, 8 partitions";

    public BenchResult Run(BenchContext context)
    {
        (string topic, long events) = KafkaBenchCluster.Topic(context.Events);
        using IConsumer<Ignore, long> consumer = new ConsumerBuilder<Ignore, long>(Settings(Name))
            .SetValueDeserializer(SeqField.Instance)
            .SetLogHandler((_, _) => { })
            .Build();
        consumer.Subscribe(topic);
        long sum = 0;
        long seen = 0;
        BenchMeasurement measurement = default;
        var deadline = Stopwatch.StartNew();
        while (seen < events)
        {
            ConsumeResult<Ignore, long>? result = consumer.Consume(100);
            if (result is null)
            {
                if (deadline.Elapsed > TimeSpan.FromMinutes(2))
                {
                    throw new TimeoutException($"{Name}: {seen}/{events} records after 2 minutes.");
                }

                continue;
            }

            if (seen == 0)
            {
                measurement = BenchMeasurement.Start();
            }

            sum += result.Message.Value;
            seen++;
        }

        BenchResult measured = measurement.Stop(events);
        consumer.Close();
        GC.KeepAlive(sum);
        return measured;
    }

    /// <summary>The loop's consumer settings, for this scenario and every variant compared with it.</summary>
    internal static ConsumerConfig Settings(string scenario) => new()
    {
        BootstrapServers = KafkaBenchCluster.BootstrapServers,
        GroupId = KafkaBenchCluster.NewGroup(scenario),
        AutoOffsetReset = AutoOffsetReset.Earliest,
        EnableAutoCommit = true,
        SessionTimeoutMs = 6000,
        QueuedMaxMessagesKbytes = 16 * 1024,
        ConsumeResultFields = "none",
    };

    /// <summary>A tick's sequence field, read in place from librdkafka's buffer (what <c>TickCodec</c> decodes).</summary>
    private sealed class SeqField : IDeserializer<long>
    {
        public static readonly SeqField Instance = new();

        public long Deserialize(ReadOnlySpan<byte> data, bool isNull, SerializationContext context) => BinaryPrimitives.ReadInt64LittleEndian(data[4..]);
    }
}

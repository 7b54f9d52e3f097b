using System.Buffers.Binary;
using System.Diagnostics;
using Confluent.Kafka;

namespace LowLatency.Lab.Bench.Kafka;

/// <summary>
/// Baseline: the plain Confluent.Kafka consumer loop a .NET developer writes (subscribe, <c>Consume</c>,
/// read the value bytes), on the same mock cluster and topic as <see cref="KafkaSourceScenario"/>. Timed
/// from the first record to the last, so group join is excluded from both.
/// </summary>
internal sealed class KafkaConsumerBaselineScenario : IBenchScenario
{
    public string Name => "kafka-consumer-baseline";

    public string Group => "kafka";

    public string Description => "plain Confluent consumer loop (Consume → byte[] → sum), librdkafka mock, 8 partitions";

    public BenchResult Run(BenchContext context)
    {
        (string topic, long events) = KafkaBenchCluster.Topic(context.Events);
        var config = new ConsumerConfig
        {
            BootstrapServers = KafkaBenchCluster.BootstrapServers,
            GroupId = KafkaBenchCluster.NewGroup(Name),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = true,
            SessionTimeoutMs = 6000,
        };
        using IConsumer<Ignore, byte[]> consumer = new ConsumerBuilder<Ignore, byte[]>(config).SetLogHandler((_, _) => { }).Build();
        consumer.Subscribe(topic);
        long sum = 0;
        long seen = 0;
        BenchMeasurement measurement = default;
        var deadline = Stopwatch.StartNew();
        while (seen < events)
        {
            ConsumeResult<Ignore, byte[]>? result = consumer.Consume(100);
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

            sum += BinaryPrimitives.ReadInt64LittleEndian(result.Message.Value.AsSpan(4));
            seen++;
        }

        BenchResult measured = measurement.Stop(events);
        consumer.Close();
        GC.KeepAlive(sum);
        return measured;
    }
}

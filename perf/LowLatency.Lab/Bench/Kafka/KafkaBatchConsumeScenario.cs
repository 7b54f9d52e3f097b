using System.Buffers.Binary;
using System.Diagnostics;
using Confluent.Kafka;
using LowLatency.Adapters.Kafka;

namespace LowLatency.Lab.Bench.Kafka;

/// <summary>
/// Experiment: the baseline's loop (<see cref="KafkaConsumerBaselineScenario"/>, same consumer settings, same sum)
/// with <c>Consume</c> replaced by a batch consume through librdkafka's C API on the consumer's own handle
/// (<see cref="LibrdkafkaConsumerQueue"/>, the binding the source polls through): one native call per up to 1024
/// records, no result object, no ring. The ceiling of the source's poll path: the source adds the ring, the claims,
/// the side entries and the commits.
/// </summary>
internal sealed class KafkaBatchConsumeScenario : IBenchScenario
{
    public string Name => "kafka-batch-consume";

    public string Group => "kafka";

    public string Description => "the baseline's loop with rd_kafka_consume_batch_queue (1024) on the Confluent consumer's handle instead of Consume: the ceiling of the source's poll path (no ring)";

    public BenchResult Run(BenchContext context)
    {
        (string topic, long events) = KafkaBenchCluster.Topic(context.Events);
        using IConsumer<Ignore, Ignore> consumer = new ConsumerBuilder<Ignore, Ignore>(KafkaConsumerBaselineScenario.Settings(Name)).SetLogHandler((_, _) => { }).Build();
        consumer.Subscribe(topic);
        long sum = 0;
        long seen = 0;
        BenchMeasurement measurement = default;
        var deadline = Stopwatch.StartNew();
        using (var batch = new LibrdkafkaConsumerQueue(consumer, 1024))
        {
            while (seen < events)
            {
                int count = batch.Poll(1024, 100);
                if (count == 0 && deadline.Elapsed > TimeSpan.FromMinutes(2))
                {
                    throw new TimeoutException($"{Name}: {seen}/{events} records after 2 minutes.");
                }

                for (int i = 0; i < count; i++)
                {
                    ref readonly LibrdkafkaConsumerQueue.RawMessage message = ref batch[i];
                    if (message.Err != 0)
                    {
                        continue;
                    }

                    if (seen == 0)
                    {
                        measurement = BenchMeasurement.Start();
                    }

                    sum += BinaryPrimitives.ReadInt64LittleEndian(message.Value[4..]);
                    seen++;
                }
            }
        }

        BenchResult measured = measurement.Stop(events);
        consumer.Close();
        GC.KeepAlive(sum);
        return measured;
    }
}

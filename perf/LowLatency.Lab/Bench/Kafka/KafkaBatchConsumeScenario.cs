using System.Buffers.Binary;
using System.Diagnostics;
using Confluent.Kafka;
using LowLatency.Testing.Kafka;

namespace LowLatency.Lab.Bench.Kafka;

/// <summary>
/// Experiment: the baseline's loop (<see cref="KafkaConsumerBaselineScenario"/>, same consumer settings, same sum)
/// with <c>Consume</c> replaced by a batch consume through librdkafka's C API on the consumer's own handle
/// (<see cref="LibrdkafkaBatch"/>): one native call per up to 1024 records, no result object. The ceiling a batch
/// poll path in the source could reach; the source does not use it yet.
/// </summary>
internal sealed class KafkaBatchConsumeScenario : IBenchScenario
{
    public string Name => "kafka-batch-consume";

    public string Group => "kafka";

    public string Description => "the baseline's loop with rd_kafka_consume_batch_queue (1024) on the Confluent consumer's handle instead of Consume; experiment, not the source";

    public BenchResult Run(BenchContext context)
    {
        (string topic, long events) = KafkaBenchCluster.Topic(context.Events);
        using IConsumer<Ignore, Ignore> consumer = new ConsumerBuilder<Ignore, Ignore>(KafkaConsumerBaselineScenario.Settings(Name)).SetLogHandler((_, _) => { }).Build();
        consumer.Subscribe(topic);
        long sum = 0;
        long seen = 0;
        BenchMeasurement measurement = default;
        var deadline = Stopwatch.StartNew();
        using (var batch = new LibrdkafkaBatch(consumer, 1024))
        {
            while (seen < events)
            {
                int count = batch.Poll(100);
                if (count == 0 && deadline.Elapsed > TimeSpan.FromMinutes(2))
                {
                    throw new TimeoutException($"{Name}: {seen}/{events} records after 2 minutes.");
                }

                for (int i = 0; i < count; i++)
                {
                    ref readonly LibrdkafkaBatch.RawMessage message = ref batch[i];
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

using Confluent.Kafka;

namespace LowLatency.Testing.Kafka;

/// <summary>Produces ticks: per key, sequences 1..n in order, to partition key % partitions; event time = seq × step.</summary>
public static class TickFeed
{
    public static long Produce(string bootstrap, string topic, int partitions, int keys, long ticksPerKey, int seed, long timeStep = 10, long firstSeq = 1)
    {
        var random = new Random(seed);
        var config = new ProducerConfig { BootstrapServers = bootstrap, EnableIdempotence = true, LingerMs = 5, BatchNumMessages = 10_000 };
        using IProducer<Null, byte[]> producer = new ProducerBuilder<Null, byte[]>(config).SetLogHandler((_, _) => { }).Build();
        Error? failure = null;
        long produced = 0;
        var partitionsOf = new TopicPartition[partitions];
        for (int p = 0; p < partitions; p++)
        {
            partitionsOf[p] = new TopicPartition(topic, p);
        }

        Action<DeliveryReport<Null, byte[]>> onDelivery = report =>
        {
            if (report.Error.IsError)
            {
                failure = report.Error;
            }
        };

        for (long seq = firstSeq; seq < firstSeq + ticksPerKey; seq++)
        {
            for (int key = 0; key < keys; key++)
            {
                var tick = new Tick { Key = key, Seq = seq, Time = seq * timeStep, Price = random.Next(1, 1000) };
                var message = new Message<Null, byte[]> { Value = TickCodec.Encode(in tick) };
                while (true)
                {
                    try
                    {
                        producer.Produce(partitionsOf[key % partitions], message, onDelivery);
                        break;
                    }
                    catch (ProduceException<Null, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                    {
                        producer.Poll(TimeSpan.FromMilliseconds(10));
                    }
                }

                produced++;
            }
        }

        if (producer.Flush(TimeSpan.FromSeconds(60)) != 0 || failure is not null)
        {
            throw new InvalidOperationException($"tick feed did not complete: {failure}");
        }

        return produced;
    }
}

using Confluent.Kafka;

namespace LowLatency.Testing.Kafka;

/// <summary>Produces ticks: per key, sequences 1..n in order, to partition key % partitions; event time = seq × step.</summary>
public static class TickFeed
{
    public static long Produce(string bootstrap, string topic, int partitions, int keys, long ticksPerKey, int seed, long timeStep = 10, long firstSeq = 1)
    {
        var random = new Random(seed);
        using IProducer<Null, byte[]> producer = CreateProducer(bootstrap);
        Error? failure = null;
        long produced = 0;
        TopicPartition[] partitionsOf = PartitionsOf(topic, partitions);
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
                ProduceOne(producer, partitionsOf[key % partitions], in tick, onDelivery);
                produced++;
            }
        }

        if (producer.Flush(TimeSpan.FromSeconds(60)) != 0 || failure is not null)
        {
            throw new InvalidOperationException($"tick feed did not complete: {failure}");
        }

        return produced;
    }

    /// <summary>An idempotent, batching, quiet producer of encoded ticks; <paramref name="messageTimeout"/> bounds each delivery (librdkafka's default when null).</summary>
    public static IProducer<Null, byte[]> CreateProducer(string bootstrap, TimeSpan? messageTimeout = null)
    {
        var config = new ProducerConfig { BootstrapServers = bootstrap, EnableIdempotence = true, LingerMs = 5, BatchNumMessages = 10_000 };
        if (messageTimeout is { } timeout)
        {
            config.MessageTimeoutMs = (int)timeout.TotalMilliseconds;
        }

        return new ProducerBuilder<Null, byte[]>(config).SetLogHandler((_, _) => { }).Build();
    }

    /// <summary>Partition p of <paramref name="topic"/> at index p.</summary>
    public static TopicPartition[] PartitionsOf(string topic, int partitions)
    {
        var partitionsOf = new TopicPartition[partitions];
        for (int p = 0; p < partitions; p++)
        {
            partitionsOf[p] = new TopicPartition(topic, p);
        }

        return partitionsOf;
    }

    /// <summary>Produces one encoded tick, waiting (polling delivery reports) while librdkafka's local queue is full.</summary>
    public static void ProduceOne(IProducer<Null, byte[]> producer, TopicPartition partition, in Tick tick, Action<DeliveryReport<Null, byte[]>> onDelivery)
    {
        var message = new Message<Null, byte[]> { Value = TickCodec.Encode(in tick) };
        while (true)
        {
            try
            {
                producer.Produce(partition, message, onDelivery);
                return;
            }
            catch (ProduceException<Null, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                producer.Poll(TimeSpan.FromMilliseconds(10));
            }
        }
    }
}

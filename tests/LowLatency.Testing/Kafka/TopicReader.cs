using Confluent.Kafka;

namespace LowLatency.Testing.Kafka;

/// <summary>Reads every partition of a topic from its beginning to its end: what the verifiers check.</summary>
public static class TopicReader
{
    /// <summary>
    /// Hands each record to <paramref name="onRecord"/> (in offset order within a partition) until every
    /// partition has reported its end; throws <see cref="TimeoutException"/> past <paramref name="timeout"/>.
    /// </summary>
    public static void ReadToEnd(string bootstrap, string topic, int partitions, TimeSpan timeout, Action<ConsumeResult<Ignore, byte[]>> onRecord)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "verifier-" + Guid.NewGuid().ToString("N"),
            EnablePartitionEof = true,
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
        };
        using IConsumer<Ignore, byte[]> consumer = new ConsumerBuilder<Ignore, byte[]>(config).SetLogHandler((_, _) => { }).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var atEnd = new HashSet<int>();
        DateTime deadline = DateTime.UtcNow + timeout;
        while (atEnd.Count < partitions)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"topic '{topic}' not read to its end within {timeout} ({atEnd.Count}/{partitions} partitions).");
            }

            ConsumeResult<Ignore, byte[]>? result = consumer.Consume(100);
            if (result is null)
            {
                continue;
            }

            if (result.IsPartitionEOF)
            {
                atEnd.Add(result.Partition.Value);
                continue;
            }

            onRecord(result);
        }

        consumer.Close();
    }
}

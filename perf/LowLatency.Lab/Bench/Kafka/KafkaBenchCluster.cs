using LowLatency.Testing.Kafka;

namespace LowLatency.Lab.Bench.Kafka;

/// <summary>
/// One librdkafka mock cluster for every Kafka scenario of a run, and pre-filled topics of ticks reused by
/// them, so the source and its baseline read the very same records from the very same broker.
/// </summary>
internal static class KafkaBenchCluster
{
    /// <summary>8 partitions × ≤ 5 MiB each (the mock's retention): about 100 k 28-byte ticks per partition fit.</summary>
    public const int Partitions = 8;

    public const long MaxEvents = 800_000;

    /// <summary>Instruments in the pre-filled topics.</summary>
    public const int Keys = 64;

    private static readonly Lock s_lock = new();
    private static readonly Dictionary<long, string> s_topics = [];
    private static KafkaMockCluster? s_cluster;
    private static int s_groups;

    public static string BootstrapServers => Cluster.BootstrapServers;

    private static KafkaMockCluster Cluster
    {
        get
        {
            lock (s_lock)
            {
                return s_cluster ??= new KafkaMockCluster(brokers: 1);
            }
        }
    }

    /// <summary>A topic holding exactly <paramref name="events"/> ticks (capped at <see cref="MaxEvents"/>), produced once per size.</summary>
    public static (string Topic, long Events) Topic(long events)
    {
        events = Math.Min(events, MaxEvents) / Keys * Keys;
        lock (s_lock)
        {
            if (!s_topics.TryGetValue(events, out string? topic))
            {
                topic = $"bench-ticks-{events}";
                Cluster.CreateTopic(topic, Partitions);
                TickFeed.Produce(Cluster.BootstrapServers, topic, Partitions, Keys, events / Keys, seed: 1);
                s_topics[events] = topic;
            }

            return (topic, events);
        }
    }

    /// <summary>Creates an empty topic of <see cref="Partitions"/> partitions (an output or state topic of one iteration).</summary>
    public static void CreateTopic(string topic) => Cluster.CreateTopic(topic, Partitions);

    /// <summary>A fresh group id, so each iteration reads the topic from its beginning.</summary>
    public static string NewGroup(string scenario) => $"{scenario}-{Interlocked.Increment(ref s_groups)}";
}

namespace LowLatency.Adapters.Kafka;

/// <summary>librdkafka settings the adapter sets itself because its delivery guarantees depend on them.</summary>
internal static class KafkaReservedSettings
{
    public static readonly HashSet<string> Consumer = new(StringComparer.Ordinal)
    {
        "bootstrap.servers", "group.id", "enable.auto.commit", "enable.auto.offset.store", "auto.commit.interval.ms",
        "enable.partition.eof", "session.timeout.ms",
    };

    public static readonly HashSet<string> Producer = new(StringComparer.Ordinal)
    {
        "bootstrap.servers", "enable.idempotence", "acks",
    };
}

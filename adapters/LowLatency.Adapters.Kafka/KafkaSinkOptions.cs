using Microsoft.Extensions.Logging;

namespace LowLatency.Adapters.Kafka;

/// <summary>Options of a <see cref="KafkaSink{T}"/>. Immutable: change with <c>with</c>; checked when the sink is built.</summary>
public sealed record KafkaSinkOptions
{
    /// <summary>Idempotent producer, 64 Ki records in flight, 4 KiB records, 1 ms linger, 30 s delivery timeout.</summary>
    public static KafkaSinkOptions Default { get; } = new();

    /// <summary>The sink's name in metrics.</summary>
    public string Name { get; init; } = "kafka-sink";

    /// <summary>Kafka <c>bootstrap.servers</c>.</summary>
    public string BootstrapServers { get; init; } = "localhost:9092";

    /// <summary>The topic every record goes to.</summary>
    public string Topic { get; init; } = "";

    /// <summary>Records produced and not yet acknowledged, at most (a power of two); past it <see cref="KafkaSink{T}.Produce"/> waits.</summary>
    public int MaxInFlight { get; init; } = 65_536;

    /// <summary>Largest encoded key or value, in bytes.</summary>
    public int MaxRecordBytes { get; init; } = 4096;

    /// <summary>librdkafka <c>linger.ms</c>: batching delay.</summary>
    public TimeSpan Linger { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>librdkafka <c>delivery.timeout.ms</c>: past it, an unacknowledged record fails and the sink faults.</summary>
    public TimeSpan DeliveryTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long <see cref="KafkaSink{T}.DisposeAsync"/> flushes before abandoning records still in flight.</summary>
    public TimeSpan DisposeFlushTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The sink's log (delivery failures, librdkafka's own lines at their level); none when null.</summary>
    public ILogger? Logger { get; init; }

    /// <summary>Extra librdkafka producer settings; cannot override idempotence, acks or the bootstrap servers.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    internal void Validate()
    {
        KafkaOptionGuard.CheckBootstrap("KafkaSinkOptions.BootstrapServers", BootstrapServers);

        if (string.IsNullOrWhiteSpace(Topic))
        {
            KafkaOptionGuard.ThrowOption("KafkaSinkOptions.Topic", Topic, "must name a topic.");
        }

        if (MaxInFlight < 2 || !int.IsPow2(MaxInFlight))
        {
            KafkaOptionGuard.ThrowOption("KafkaSinkOptions.MaxInFlight", MaxInFlight, "must be a power of two ≥ 2.");
        }

        if (MaxRecordBytes is < 1 or > 1_000_000)
        {
            KafkaOptionGuard.ThrowOption("KafkaSinkOptions.MaxRecordBytes", MaxRecordBytes, "must be in [1, 1000000] (Kafka's default message.max.bytes).");
        }

        if (Linger < TimeSpan.Zero)
        {
            KafkaOptionGuard.ThrowOption("KafkaSinkOptions.Linger", Linger, "must be ≥ 0.");
        }

        if (DisposeFlushTimeout < TimeSpan.Zero)
        {
            KafkaOptionGuard.ThrowOption("KafkaSinkOptions.DisposeFlushTimeout", DisposeFlushTimeout, "must be ≥ 0.");
        }

        if (DeliveryTimeout <= TimeSpan.Zero)
        {
            KafkaOptionGuard.ThrowOption("KafkaSinkOptions.DeliveryTimeout", DeliveryTimeout, "must be positive.");
        }

        foreach (string key in Settings.Keys)
        {
            if (KafkaReservedSettings.Producer.Contains(key))
            {
                KafkaOptionGuard.ThrowOption("KafkaSinkOptions.Settings", key, "is set by the sink itself (its delivery guarantee depends on it).");
            }
        }
    }
}

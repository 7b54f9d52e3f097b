namespace LowLatency.Adapters.Kafka;

/// <summary>Encodes an event into a Kafka record's key and value, into caller-provided spans.</summary>
/// <typeparam name="T">The event type.</typeparam>
public interface IKafkaEncoder<T>
    where T : struct
{
    /// <summary>The record key's bytes (0 for a null key); the key picks the partition.</summary>
    int EncodeKey(in T value, Span<byte> destination);

    /// <summary>The record value's bytes; at most <see cref="KafkaSinkOptions.MaxRecordBytes"/>.</summary>
    int EncodeValue(in T value, Span<byte> destination);
}

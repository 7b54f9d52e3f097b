namespace LowLatency.Adapters.Kafka;

/// <summary>Why a <see cref="KafkaSource{T}"/> refused a record (counted per reason, optionally dead-lettered).</summary>
public enum KafkaMalformedReason
{
    /// <summary>The record has no value (a tombstone or a null produce).</summary>
    NullValue = 0,

    /// <summary>The decoder refused the value (<see cref="IKafkaDecoder{T}.TryDecode"/> returned false).</summary>
    Undecodable = 1,
}

namespace LowLatency.Adapters.Kafka;

/// <summary>
/// Decodes a Kafka record's value straight into a ring slot. Called on the source's poll thread, once per
/// record, with a span over librdkafka's own buffer (valid only during the call).
/// </summary>
/// <typeparam name="T">The event type.</typeparam>
public interface IKafkaDecoder<T>
    where T : struct
{
    /// <summary>
    /// Writes the event carried by <paramref name="value"/> into <paramref name="destination"/> (a ring slot
    /// holding a previous event: overwrite every field). Returns false for a malformed record; the source
    /// then counts it and skips it without publishing.
    /// </summary>
    bool TryDecode(ReadOnlySpan<byte> value, ref T destination);

    /// <summary>The event time of a decoded event, in the host's tick unit; drives the source's watermark.</summary>
    long GetEventTime(in T value);
}

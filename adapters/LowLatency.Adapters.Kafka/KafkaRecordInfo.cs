namespace LowLatency.Adapters.Kafka;

/// <summary>Where an event came from, kept by <see cref="KafkaSource{T}"/> beside its ring slot.</summary>
/// <param name="Topic">The record's topic.</param>
/// <param name="Partition">The record's partition.</param>
/// <param name="Offset">The record's offset.</param>
/// <param name="EventTime">The decoder's event time of the event.</param>
/// <param name="Watermark">The source's combined watermark right after this event: no event with time ≤ it follows.</param>
public readonly record struct KafkaRecordInfo(string Topic, int Partition, long Offset, long EventTime, long Watermark);

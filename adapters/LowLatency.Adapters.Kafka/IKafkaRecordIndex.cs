namespace LowLatency.Adapters.Kafka;

/// <summary>Where the event at a ring sequence came from (a <see cref="KafkaSource{T}"/>, whatever its event type).</summary>
internal interface IKafkaRecordIndex
{
    KafkaRecordInfo RecordAt(long sequence);
}

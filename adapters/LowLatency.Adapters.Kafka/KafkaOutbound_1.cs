namespace LowLatency.Adapters.Kafka;

/// <summary>A record on its way out: the event and the sink's id for it, which its delivery report carries back.</summary>
internal struct KafkaOutbound<T>
    where T : struct
{
    public T Value;
    public long Id;
}

namespace LowLatency.Testing.Kafka;

/// <summary>An aggregate of one key's ticks in one event-time window: which per-key sequences it saw, and their price sum.</summary>
public struct Bar
{
    public int Key;
    public long WindowStart;
    public long Count;
    public long FirstSeq;
    public long LastSeq;
    public long SumPrice;
}

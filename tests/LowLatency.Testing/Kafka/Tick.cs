namespace LowLatency.Testing.Kafka;

/// <summary>A test trade: instrument key, per-key sequence (1, 2, …), event time and price.</summary>
public struct Tick
{
    public int Key;
    public long Seq;
    public long Time;
    public long Price;
}

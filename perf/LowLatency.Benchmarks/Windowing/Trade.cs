namespace LowLatency.Benchmarks.Windowing;

/// <summary>A trade: nanosecond timestamp, symbol id, price, quantity.</summary>
public struct Trade
{
    public long Timestamp;
    public long Symbol;
    public double Price;
    public double Quantity;
}

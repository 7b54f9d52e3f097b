namespace LowLatency.Lab.Bench.Window;

/// <summary>A trade of the window scenarios: nanosecond timestamp, symbol id, price, quantity (32 bytes).</summary>
internal struct WindowTrade
{
    public long Timestamp;
    public long Symbol;
    public double Price;
    public double Quantity;
}

namespace LowLatency.Testing.Windowing;

/// <summary>A trade event for window tests and benches.</summary>
public struct TestTrade
{
    public long Timestamp;
    public long Symbol;
    public double Price;
    public double Quantity;

    /// <summary>When set, a punctuated watermark carried by this event.</summary>
    public long Punctuation;

    public TestTrade(long timestamp, long symbol, double price, double quantity)
    {
        Timestamp = timestamp;
        Symbol = symbol;
        Price = price;
        Quantity = quantity;
        Punctuation = long.MinValue;
    }

    public override readonly string ToString() => $"(ts={Timestamp}, sym={Symbol}, px={Price}, qty={Quantity})";
}

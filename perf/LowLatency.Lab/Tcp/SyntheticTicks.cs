namespace LowLatency.Lab.Tcp;

/// <summary>A deterministic synthetic tick stream: instruments round-robin, a bounded random walk per instrument.</summary>
internal sealed class SyntheticTicks(int instruments = 64, int seed = 42)
{
    private readonly Random _random = new(seed);
    private readonly double[] _prices = Enumerable.Repeat(100.0, instruments).ToArray();
    private long _count;

    public MarketTick Next(long timestamp)
    {
        int instrument = (int)(_count++ % _prices.Length);
        double price = Math.Round(Math.Clamp(_prices[instrument] + ((_random.Next(3) - 1) * 0.01), 1, 10_000), 2);
        _prices[instrument] = price;
        return new MarketTick
        {
            Timestamp = timestamp,
            Price = price,
            Quantity = 1 + _random.Next(100),
            InstrumentId = instrument,
            Flags = (uint)(_count & 1),
        };
    }
}

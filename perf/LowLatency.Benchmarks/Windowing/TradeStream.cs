using LowLatency.Engine.Time;

namespace LowLatency.Benchmarks.Windowing;

/// <summary>The trades the window benchmarks replay: random symbols at a fixed step of event time, each up to 0.5 ms out of order (B = 1 ms).</summary>
internal static class TradeStream
{
    public const long Second = 1_000_000_000;

    /// <summary>B = 1 ms, above the 0.5 ms jitter: nothing is late.</summary>
    public static readonly WatermarkOptions Watermark = new() { OutOfOrderness = 1_000_000 };

    /// <summary><paramref name="events"/> trades over <paramref name="keys"/> symbols, one every <paramref name="step"/> ns (seed 42).</summary>
    public static Trade[] Create(int events, int keys, long step)
    {
        var random = new Random(42);
        var trades = new Trade[events];
        for (int i = 0; i < events; i++)
        {
            trades[i] = new Trade
            {
                Timestamp = Second + (i * step) - random.NextInt64(500_000),
                Symbol = random.Next(keys),
                Price = 100 + random.Next(100),
                Quantity = 1 + random.Next(10),
            };
        }

        return trades;
    }
}

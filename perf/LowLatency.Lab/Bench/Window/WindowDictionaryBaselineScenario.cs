namespace LowLatency.Lab.Bench.Window;

/// <summary>
/// Baseline: the same keyed 1 s tumbling VWAP as a hand-written loop over a
/// <c>Dictionary&lt;(symbol, windowStart), VwapState&gt;</c> with a class per window, flushed each time the
/// watermark crosses a window end: what a careful .NET developer writes without a window library.
/// </summary>
internal sealed class WindowDictionaryBaselineScenario : IBenchScenario
{
    private sealed class VwapState
    {
        public double Notional;
        public double Volume;
        public long Trades;
    }

    public string Name => "window-dictionary-baseline";

    public string Group => "window";

    public string Description => "Dictionary<(symbol, start), class> + flush on watermark, 10k keys";

    public BenchResult Run(BenchContext context)
    {
        const long size = WindowBenchStream.Second;
        var state = new Dictionary<(long Symbol, long Start), VwapState>();
        var closed = new List<(long Symbol, long Start)>();
        long results = 0;
        long counted = 0;
        long n = context.Events;
        long maxTs = long.MinValue;
        long watermark = long.MinValue;
        var measurement = BenchMeasurement.Start();
        for (long i = 0; i < n; i++)
        {
            WindowBenchStream.Get(i, out WindowTrade trade);
            var key = (trade.Symbol, trade.Timestamp - (trade.Timestamp % size));
            if (!state.TryGetValue(key, out VwapState? s))
            {
                s = new VwapState();
                state.Add(key, s);
            }

            s.Notional += trade.Price * trade.Quantity;
            s.Volume += trade.Quantity;
            s.Trades++;

            if (trade.Timestamp > maxTs)
            {
                maxTs = trade.Timestamp;
                long w = maxTs - WindowBenchStream.OutOfOrderness - 1;
                if ((w + 1) / size != (watermark + 1) / size)
                {
                    foreach (KeyValuePair<(long Symbol, long Start), VwapState> kv in state)
                    {
                        if (kv.Key.Start + size - 1 <= w)
                        {
                            results++;
                            counted += kv.Value.Trades;
                            closed.Add(kv.Key);
                        }
                    }

                    foreach ((long Symbol, long Start) k in closed)
                    {
                        state.Remove(k);
                    }

                    closed.Clear();
                }

                watermark = w;
            }
        }

        foreach (VwapState s in state.Values)
        {
            results++;
            counted += s.Trades;
        }

        BenchResult result = measurement.Stop(n);
        WindowScenarioCheck.AllCounted(counted, n, 0, Name);
        return result;
    }
}

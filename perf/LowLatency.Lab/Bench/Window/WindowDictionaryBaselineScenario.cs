using System.Runtime.InteropServices;

namespace LowLatency.Lab.Bench.Window;

/// <summary>
/// Baseline: the same keyed 1 s tumbling VWAP as a hand-written loop over a
/// <c>Dictionary&lt;(symbol, windowStart), VwapState&gt;</c>, flushed each time the watermark crosses a window
/// end: what a careful .NET developer writes without a window library, tuned as such a developer would tune it:
/// a struct value updated in place through <c>CollectionsMarshal.GetValueRefOrAddDefault</c> (one hash
/// lookup per event, nothing allocated per window) and closed windows removed while enumerating.
/// </summary>
internal sealed class WindowDictionaryBaselineScenario : IBenchScenario
{
    private struct VwapState
    {
        public double Notional;
        public double Volume;
        public long Trades;
    }

    public string Name => "window-dictionary-baseline";

    public string Group => "window";

    public string Description => "Dictionary<(symbol, start), struct> by ref + flush on watermark, 10k keys";

    public BenchResult Run(BenchContext context)
    {
        const long size = WindowBenchStream.Second;
        var state = new Dictionary<(long Symbol, long Start), VwapState>(3 * WindowBenchStream.Keys); // pre-sized like the operator
        long results = 0;
        long counted = 0;
        long n = context.Events;
        long maxTs = long.MinValue;
        long watermark = long.MinValue;
        var buffer = new WindowTrade[WindowBenchStream.Batch];
        var measurement = BenchMeasurement.Start();
        for (long first = 0; first < n; first += buffer.Length)
        {
            Span<WindowTrade> batch = buffer.AsSpan(0, (int)Math.Min(buffer.Length, n - first));
            WindowBenchStream.Fill(first, batch);
            foreach (ref WindowTrade trade in batch)
            {
                var key = (trade.Symbol, trade.Timestamp - (trade.Timestamp % size));
                ref VwapState s = ref CollectionsMarshal.GetValueRefOrAddDefault(state, key, out _);
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
                                state.Remove(kv.Key); // allowed while enumerating (since .NET Core 3.0)
                            }
                        }
                    }

                    watermark = w;
                }
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

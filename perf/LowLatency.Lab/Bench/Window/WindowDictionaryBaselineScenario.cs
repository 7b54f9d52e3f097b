using System.Runtime.InteropServices;

namespace LowLatency.Lab.Bench.Window;

/// <summary>
/// Baseline: the same keyed 1 s tumbling VWAP as a hand-written loop over a
/// <c>Dictionary&lt;(symbol, windowStart), VwapState&gt;</c>, flushed each time the watermark crosses a window
/// end: what a careful .NET developer writes without a window library, tuned as such a developer would tune it:
/// a struct value updated in place through <c>CollectionsMarshal.GetValueRefOrAddDefault</c> (one hash
/// lookup per event, nothing allocated per window) and closed windows removed while enumerating. Fed and timed
/// as the operators are (<see cref="WindowBenchStream.Replay{TTarget}"/>).
/// </summary>
internal sealed class WindowDictionaryBaselineScenario : IBenchScenario
{
    private const long Size = WindowBenchStream.Second;

    public string Name => "window-dictionary-baseline";

    public string Group => "window";

    public string Description => "Dictionary<(symbol, start), struct> by ref + flush on watermark, 10k keys";

    public BenchResult Run(BenchContext context)
    {
        var windows = new DictionaryWindows();
        BenchResult result = WindowBenchStream.Replay(context.Events, windows);
        WindowScenarioCheck.AllCounted(windows.Counted, context.Events, 0, Name);
        return result;
    }

    private struct VwapState
    {
        public double Notional;
        public double Volume;
        public long Trades;
    }

    /// <summary>The hand-written window state and its per-batch loop.</summary>
    private sealed class DictionaryWindows : IWindowBenchTarget
    {
        private readonly Dictionary<(long Symbol, long Start), VwapState> _state = new(3 * WindowBenchStream.Keys); // pre-sized like the operator
        private long _maxTs = long.MinValue;
        private long _watermark = long.MinValue;

        public long Results { get; private set; }

        public long Counted { get; private set; }

        public void OnBatch(Span<WindowTrade> batch, long firstSequence)
        {
            foreach (ref WindowTrade trade in batch)
            {
                var key = (trade.Symbol, trade.Timestamp - (trade.Timestamp % Size));
                ref VwapState s = ref CollectionsMarshal.GetValueRefOrAddDefault(_state, key, out _);
                s.Notional += trade.Price * trade.Quantity;
                s.Volume += trade.Quantity;
                s.Trades++;

                if (trade.Timestamp > _maxTs)
                {
                    _maxTs = trade.Timestamp;
                    long w = _maxTs - WindowBenchStream.OutOfOrderness - 1;
                    if ((w + 1) / Size != (_watermark + 1) / Size)
                    {
                        Flush(w);
                    }

                    _watermark = w;
                }
            }
        }

        public void Drain()
        {
            foreach (VwapState s in _state.Values)
            {
                Results++;
                Counted += s.Trades;
            }
        }

        private void Flush(long w)
        {
            foreach (KeyValuePair<(long Symbol, long Start), VwapState> kv in _state)
            {
                if (kv.Key.Start + Size - 1 <= w)
                {
                    Results++;
                    Counted += kv.Value.Trades;
                    _state.Remove(kv.Key); // allowed while enumerating (since .NET Core 3.0)
                }
            }
        }
    }
}

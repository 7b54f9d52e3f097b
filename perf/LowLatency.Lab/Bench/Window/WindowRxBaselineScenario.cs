using System.Reactive.Linq;
using System.Reactive.Subjects;
using LowLatency.Engine.Windowing;

namespace LowLatency.Lab.Bench.Window;

/// <summary>
/// Baseline: the same keyed 1 s tumbling VWAP written with System.Reactive the way a .NET developer would:
/// <c>GroupByUntil</c> on (symbol, window start), each group closed by a watermark observable, folded with
/// <c>Aggregate</c>. The driver computes the same bounded out-of-orderness watermark and publishes it each
/// time it crosses a window end. Fed and timed as the operators are (<see cref="WindowBenchStream.Replay{TTarget}"/>):
/// each trade of a batch goes to <c>OnNext</c>.
/// </summary>
internal sealed class WindowRxBaselineScenario : IBenchScenario
{
    public string Name => "window-rx-baseline";

    public string Group => "window";

    public string Description => "System.Reactive GroupByUntil(symbol, window) + Aggregate, watermark-closed, 10k keys";

    public BenchResult Run(BenchContext context)
    {
        using var windows = new RxWindows();
        BenchResult result = WindowBenchStream.Replay(context.Events, windows);
        WindowScenarioCheck.AllCounted(windows.Counted, context.Events, 0, Name);
        return result;
    }

    /// <summary>The Rx query, its subjects and the watermark driver.</summary>
    private sealed class RxWindows : IWindowBenchTarget, IDisposable
    {
        private const long Size = WindowBenchStream.Second;
        private readonly Subject<WindowTrade> _trades = new();
        private readonly Subject<long> _watermarks = new();
        private readonly IDisposable _subscription;
        private long _maxTs = long.MinValue;
        private long _nextEnd = long.MinValue;

        public RxWindows()
        {
            _subscription = _trades
                .GroupByUntil(t => (t.Symbol, Start: t.Timestamp - (t.Timestamp % Size)), g => _watermarks.Where(w => w >= g.Key.Start + Size - 1))
                .SelectMany(g => g.Aggregate(default(VwapAccumulator), (acc, t) =>
                {
                    acc.Add(t.Price, t.Quantity);
                    return acc;
                }))
                .Subscribe(acc =>
                {
                    Results++;
                    Counted += acc.Trades;
                });
        }

        public long Results { get; private set; }

        public long Counted { get; private set; }

        public void OnBatch(Span<WindowTrade> batch, long firstSequence)
        {
            foreach (ref WindowTrade trade in batch)
            {
                _trades.OnNext(trade);
                if (trade.Timestamp > _maxTs)
                {
                    _maxTs = trade.Timestamp;
                    long w = _maxTs - WindowBenchStream.OutOfOrderness - 1;
                    if (_nextEnd == long.MinValue)
                    {
                        _nextEnd = trade.Timestamp - (trade.Timestamp % Size) + Size;
                    }
                    else if (w >= _nextEnd - 1)
                    {
                        _watermarks.OnNext(w);
                        _nextEnd = w + 1 - ((w + 1) % Size) + Size;
                    }
                }
            }
        }

        public void Drain() => _trades.OnCompleted();

        public void Dispose()
        {
            _subscription.Dispose();
            _trades.Dispose();
            _watermarks.Dispose();
        }
    }
}

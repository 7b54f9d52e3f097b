using System.Reactive.Linq;
using System.Reactive.Subjects;
using LowLatency.Engine.Windowing;

namespace LowLatency.Lab.Bench.Window;

/// <summary>
/// Baseline: the same keyed 1 s tumbling VWAP written with System.Reactive the way a .NET developer would:
/// <c>GroupByUntil</c> on (symbol, window start), each group closed by a watermark observable, folded with
/// <c>Aggregate</c>. The driver computes the same bounded out-of-orderness watermark and publishes it each
/// time it crosses a window end.
/// </summary>
internal sealed class WindowRxBaselineScenario : IBenchScenario
{
    public string Name => "window-rx-baseline";

    public string Group => "window";

    public string Description => "System.Reactive GroupByUntil(symbol, window) + Aggregate, watermark-closed, 10k keys";

    public BenchResult Run(BenchContext context)
    {
        const long size = WindowBenchStream.Second;
        var trades = new Subject<WindowTrade>();
        var watermarks = new Subject<long>();
        long results = 0;
        long counted = 0;
        using IDisposable subscription = trades
            .GroupByUntil(t => (t.Symbol, Start: t.Timestamp - (t.Timestamp % size)), g => watermarks.Where(w => w >= g.Key.Start + size - 1))
            .SelectMany(g => g.Aggregate(default(VwapAccumulator), (acc, t) =>
            {
                acc.Add(t.Price, t.Quantity);
                return acc;
            }))
            .Subscribe(acc =>
            {
                results++;
                counted += acc.Trades;
            });

        long n = context.Events;
        long maxTs = long.MinValue;
        long nextEnd = long.MinValue;
        var measurement = BenchMeasurement.Start();
        for (long i = 0; i < n; i++)
        {
            WindowBenchStream.Get(i, out WindowTrade trade);
            trades.OnNext(trade);
            if (trade.Timestamp > maxTs)
            {
                maxTs = trade.Timestamp;
                long w = maxTs - WindowBenchStream.OutOfOrderness - 1;
                if (nextEnd == long.MinValue)
                {
                    nextEnd = trade.Timestamp - (trade.Timestamp % size) + size;
                }
                else if (w >= nextEnd - 1)
                {
                    watermarks.OnNext(w);
                    nextEnd = w + 1 - ((w + 1) % size) + size;
                }
            }
        }

        trades.OnCompleted();
        BenchResult result = measurement.Stop(n);
        WindowScenarioCheck.AllCounted(counted, n, 0, Name);
        return result;
    }
}

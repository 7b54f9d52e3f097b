using LowLatency.Engine.Time;
using LowLatency.Engine.Windowing;

namespace LowLatency.Lab.Bench.Window;

/// <summary>Keyed session VWAP (gap 50 ms; a symbol trades every 50 ms on average, so sessions open, merge and close all the time).</summary>
internal sealed class WindowSessionScenario : IBenchScenario
{
    public string Name => "window-session";

    public string Group => "window";

    public string Description => "SessionWindowOperator gap 50 ms VWAP, 10k keys, single thread";

    public BenchResult Run(BenchContext context)
    {
        var op = new SessionWindowOperator<WindowTrade, long, VwapAccumulator, VwapFunction, CountingWindowSink>(
            WindowOptions.Session(50_000_000) with
            {
                Watermark = new WatermarkOptions { OutOfOrderness = WindowBenchStream.OutOfOrderness },
                Capacity = 4 * WindowBenchStream.Keys,
                KeyCapacity = 12 * WindowBenchStream.Keys / 10, // as the other scenarios: 20% headroom, the key table stays in cache
            });
        long n = context.Events;
        BenchResult result = WindowBenchStream.ReplayOperator(n, op);
        WindowScenarioCheck.AllCounted(op.Sink.Trades, n, op.Sink.Late, Name);
        return result;
    }
}

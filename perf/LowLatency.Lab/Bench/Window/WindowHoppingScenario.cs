using LowLatency.Engine.Time;
using LowLatency.Engine.Windowing;

namespace LowLatency.Lab.Bench.Window;

/// <summary>Keyed hopping VWAP, 10 s windows every 1 s (size/slide = 10) over 10,000 symbols, from shared 1 s panes.</summary>
internal sealed class WindowHoppingScenario : IBenchScenario
{
    public string Name => "window-hopping-10";

    public string Group => "window";

    public string Description => "TimeWindowOperator hopping 10 s / 1 s VWAP (panes), 10k keys, single thread";

    public BenchResult Run(BenchContext context)
    {
        var op = new TimeWindowOperator<WindowTrade, long, VwapAccumulator, VwapFunction, CountingWindowSink>(
            WindowOptions.Hopping(10 * WindowBenchStream.Second, WindowBenchStream.Second) with
            {
                Watermark = new WatermarkOptions { OutOfOrderness = WindowBenchStream.OutOfOrderness },
                Capacity = 12 * WindowBenchStream.Keys,         // live (symbol, 1 s pane): eleven per symbol
                KeyCapacity = 12 * WindowBenchStream.Keys / 10,
            });
        long n = context.Events;
        BenchResult result = WindowBenchStream.ReplayOperator(n, op);
        WindowScenarioCheck.AllCounted(op.Sink.Trades, 10 * n, op.Sink.Late, Name);
        return result;
    }
}

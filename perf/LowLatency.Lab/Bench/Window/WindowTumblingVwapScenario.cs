using LowLatency.Engine.Time;
using LowLatency.Engine.Windowing;

namespace LowLatency.Lab.Bench.Window;

/// <summary>Keyed 1 s tumbling VWAP over 10,000 symbols, bounded out-of-orderness 1 ms, driving the operator directly on one thread.</summary>
internal sealed class WindowTumblingVwapScenario : IBenchScenario
{
    public string Name => "window-tumbling-vwap-10k";

    public string Group => "window";

    public string Description => "TimeWindowOperator tumbling 1 s VWAP, 10k keys, B = 1 ms, single thread";

    public BenchResult Run(BenchContext context)
    {
        var op = new TimeWindowOperator<WindowTrade, long, VwapAccumulator, VwapFunction, CountingWindowSink>(
            WindowOptions.Tumbling(WindowBenchStream.Second) with
            {
                Watermark = new WatermarkOptions { OutOfOrderness = WindowBenchStream.OutOfOrderness },
                Capacity = 3 * WindowBenchStream.Keys,          // live (symbol, 1 s pane): two per symbol around a boundary
                KeyCapacity = 12 * WindowBenchStream.Keys / 10, // 20% headroom: smaller tables stay in cache
            });
        long n = context.Events;
        BenchResult result = WindowBenchStream.ReplayOperator(n, op);
        WindowScenarioCheck.AllCounted(op.Sink.Trades, n, op.Sink.Late, Name);
        return result;
    }
}

using LowLatency.Engine.Windowing;
using LowLatency.Lab.Feed;

namespace LowLatency.Lab.Demo.Windows;

/// <summary>Time (event ns), key (symbol) and bar aggregation of a tick, for the tumbling OHLC+VWAP windows.</summary>
internal readonly struct TickBarFunction : IWindowFunction<DemoTick, int, BarAccumulator>
{
    public long GetTimestamp(in DemoTick e) => e.EventTimeNs;

    public int GetKey(in DemoTick e) => e.Symbol;

    public void Add(ref BarAccumulator accumulator, in DemoTick e)
    {
        accumulator.Ohlc.Add(e.EventTimeNs, e.Price);
        accumulator.Vwap.Add(e.Price, e.Quantity);
    }

    public void Merge(ref BarAccumulator target, in BarAccumulator source)
    {
        target.Ohlc.Merge(source.Ohlc);
        target.Vwap.Merge(source.Vwap);
    }
}

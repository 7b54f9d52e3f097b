using LowLatency.Engine.Windowing;
using LowLatency.Lab.Feed;

namespace LowLatency.Lab.Demo.Windows;

/// <summary>Time, key and volume of a tick, for the 5 s / 1 s hopping volume windows.</summary>
internal readonly struct TickVolumeFunction : IWindowFunction<DemoTick, int, SumAccumulator>
{
    public long GetTimestamp(in DemoTick e) => e.EventTimeNs;

    public int GetKey(in DemoTick e) => e.Symbol;

    public void Add(ref SumAccumulator accumulator, in DemoTick e) => accumulator.Add(e.Quantity);

    public void Merge(ref SumAccumulator target, in SumAccumulator source) => target.Merge(source);
}

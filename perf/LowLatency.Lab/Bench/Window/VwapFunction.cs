using LowLatency.Engine.Windowing;

namespace LowLatency.Lab.Bench.Window;

/// <summary>Time, symbol and VWAP of a <see cref="WindowTrade"/>.</summary>
internal struct VwapFunction : IWindowFunction<WindowTrade, long, VwapAccumulator>
{
    public readonly long GetTimestamp(in WindowTrade e) => e.Timestamp;

    public readonly long GetKey(in WindowTrade e) => e.Symbol;

    public readonly void Add(ref VwapAccumulator accumulator, in WindowTrade e) => accumulator.Add(e.Price, e.Quantity);

    public readonly void Merge(ref VwapAccumulator target, in VwapAccumulator source) => target.Merge(in source);
}

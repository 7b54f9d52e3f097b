using LowLatency.Engine.Windowing;

namespace LowLatency.Benchmarks.Windowing;

/// <summary>Time, symbol and VWAP of a <see cref="Trade"/>.</summary>
public struct TradeVwap : IWindowFunction<Trade, long, VwapAccumulator>
{
    public readonly long GetTimestamp(in Trade e) => e.Timestamp;

    public readonly long GetKey(in Trade e) => e.Symbol;

    public readonly void Add(ref VwapAccumulator accumulator, in Trade e) => accumulator.Add(e.Price, e.Quantity);

    public readonly void Merge(ref VwapAccumulator target, in VwapAccumulator source) => target.Merge(in source);
}

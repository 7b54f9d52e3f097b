using LowLatency.Engine.Windowing;

namespace LowLatency.Testing.Windowing;

/// <summary><see cref="TradeBarFunction"/> without punctuation (each member is its): the watermark moves only with event times and explicit watermarks.</summary>
public struct UnpunctuatedTradeBarFunction : IWindowFunction<TestTrade, long, TradeBar>
{
    public readonly long GetTimestamp(in TestTrade e) => default(TradeBarFunction).GetTimestamp(in e);

    public readonly long GetKey(in TestTrade e) => default(TradeBarFunction).GetKey(in e);

    public readonly void Add(ref TradeBar accumulator, in TestTrade e) => default(TradeBarFunction).Add(ref accumulator, in e);

    public readonly void Merge(ref TradeBar target, in TradeBar source) => default(TradeBarFunction).Merge(ref target, in source);
}

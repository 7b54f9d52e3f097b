using LowLatency.Engine.Time;
using LowLatency.Engine.Windowing;

namespace LowLatency.Testing.Windowing;

/// <summary>Time, symbol and OHLC/VWAP of a <see cref="TestTrade"/>; honours punctuations.</summary>
public struct TradeBarFunction : IWindowFunction<TestTrade, long, TradeBar>, IPunctuatedWatermark<TestTrade>
{
    public readonly long GetTimestamp(in TestTrade e) => e.Timestamp;

    public readonly long GetKey(in TestTrade e) => e.Symbol;

    public readonly void Add(ref TradeBar accumulator, in TestTrade e)
    {
        accumulator.Ohlc.Add(e.Timestamp, e.Price);
        accumulator.Vwap.Add(e.Price, e.Quantity);
    }

    public readonly void Merge(ref TradeBar target, in TradeBar source)
    {
        target.Ohlc.Merge(in source.Ohlc);
        target.Vwap.Merge(in source.Vwap);
    }

    public readonly bool TryGetWatermark(in TestTrade e, out long watermark)
    {
        watermark = e.Punctuation;
        return e.Punctuation != long.MinValue;
    }
}

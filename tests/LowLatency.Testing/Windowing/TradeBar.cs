using LowLatency.Engine.Windowing;

namespace LowLatency.Testing.Windowing;

/// <summary>OHLC + VWAP + sum of quantities: the accumulator the tests and the demo use.</summary>
public struct TradeBar
{
    public OhlcAccumulator Ohlc;
    public VwapAccumulator Vwap;

    public override readonly string ToString() =>
        $"O={Ohlc.Open} H={Ohlc.High} L={Ohlc.Low} C={Ohlc.Close} n={Ohlc.Count} notional={Vwap.Notional} vol={Vwap.Volume}";
}

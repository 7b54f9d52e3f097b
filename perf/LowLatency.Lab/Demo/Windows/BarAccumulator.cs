using LowLatency.Engine.Windowing;

namespace LowLatency.Lab.Demo.Windows;

/// <summary>A 1 s bar: the engine's OHLC (by event time) and VWAP accumulators side by side.</summary>
internal struct BarAccumulator
{
    public OhlcAccumulator Ohlc;
    public VwapAccumulator Vwap;
}

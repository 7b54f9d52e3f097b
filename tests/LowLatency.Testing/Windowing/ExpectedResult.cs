using LowLatency.Engine.Windowing;

namespace LowLatency.Testing.Windowing;

/// <summary>A window result in comparable form: the script index after which it was emitted, its timing and trigger, and the aggregates.</summary>
public readonly record struct ExpectedResult(
    int Index, long Key, long Start, long End, int Version, bool IsFinal, PaneTiming Timing, long Trigger,
    long Count, double Open, double High, double Low, double Close, double Notional, double Volume)
{
    public static ExpectedResult From(int index, in WindowResult<long, TradeBar> r) =>
        new(index, r.Key, r.Start, r.End, r.Version, r.IsFinal, r.Timing, r.TriggerSequence, r.Value.Ohlc.Count, r.Value.Ohlc.Open, r.Value.Ohlc.High,
            r.Value.Ohlc.Low, r.Value.Ohlc.Close, r.Value.Vwap.Notional, r.Value.Vwap.Volume);

    /// <summary>Canonical order: results of one step are compared as a set (the operator's order within a step is its own).</summary>
    public static IReadOnlyList<ExpectedResult> Canonical(IEnumerable<ExpectedResult> results) =>
        results.OrderBy(r => r.Index).ThenBy(r => r.Trigger).ThenBy(r => r.End).ThenBy(r => r.Start).ThenBy(r => r.Key).ThenBy(r => r.Version).ToList();
}

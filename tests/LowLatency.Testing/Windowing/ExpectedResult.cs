namespace LowLatency.Testing.Windowing;

/// <summary>A window result in comparable form: the script index after which it was emitted, and the aggregates.</summary>
public readonly record struct ExpectedResult(
    int Index, long Key, long Start, long End, int Version, bool IsFinal,
    long Count, double Open, double High, double Low, double Close, double Notional, double Volume)
{
    public static ExpectedResult From(int index, in LowLatency.Engine.Windowing.WindowResult<long, TradeBar> r) =>
        new(index, r.Key, r.Start, r.End, r.Version, r.IsFinal, r.Value.Ohlc.Count, r.Value.Ohlc.Open, r.Value.Ohlc.High,
            r.Value.Ohlc.Low, r.Value.Ohlc.Close, r.Value.Vwap.Notional, r.Value.Vwap.Volume);

    /// <summary>Canonical order: results of one step are compared as a set (the operator's order within a step is its own).</summary>
    public static IReadOnlyList<ExpectedResult> Canonical(IEnumerable<ExpectedResult> results) =>
        results.OrderBy(r => r.Index).ThenBy(r => r.End).ThenBy(r => r.Start).ThenBy(r => r.Key).ThenBy(r => r.Version).ToList();
}

namespace LowLatency.Lab.Demo;

/// <summary>One emitted window result, as kept for the report's samples.</summary>
/// <param name="Symbol">The key.</param>
/// <param name="StartNs">Window start, event-time ns since the Unix epoch (inclusive).</param>
/// <param name="EndNs">Window end (exclusive).</param>
/// <param name="Open">First price by arrival.</param>
/// <param name="High">Highest price.</param>
/// <param name="Low">Lowest price.</param>
/// <param name="Close">Last price by arrival.</param>
/// <param name="Vwap">Volume-weighted average price.</param>
/// <param name="Volume">Shares traded in the window.</param>
/// <param name="Count">Ticks in the window.</param>
/// <param name="Kind">"tumbling-1s" (OHLC+VWAP) or "hopping-5s/1s" (volume).</param>
internal readonly record struct WindowResult(int Symbol, long StartNs, long EndNs, double Open, double High, double Low, double Close, double Vwap, long Volume, long Count, string Kind);

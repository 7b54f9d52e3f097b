namespace LowLatency.Lab.Demo;

/// <summary>
/// Counters the stages keep for the monitor. Each field has exactly one writer (the stage named on it),
/// which stores with <c>Volatile.Write</c>; the monitor reads with
/// <c>Volatile.Read</c>. After the pipeline has drained, every thread sees final values.
/// </summary>
internal sealed class DemoCounters
{
    /// <summary>Written by the validate stage: ticks rejected as malformed.</summary>
    public long Rejected;

    /// <summary>Written by the window stage: ticks too late for every window they belong to (late side output).</summary>
    public long Late;

    /// <summary>Written by the window stage: window results emitted (tumbling bars and hopping volumes).</summary>
    public long WindowsEmitted;

    /// <summary>Written by the risk stage: ticks outside the price band around the last VWAP.</summary>
    public long PriceBandBreaches;

    /// <summary>Written by the risk stage: ticks above the notional limit.</summary>
    public long NotionalBreaches;

    /// <summary>Written by the sink: ticks that reached the end of the pipeline.</summary>
    public long Processed;

    /// <summary>Written by the sink: the <see cref="OutputHash"/> of every tick it saw, in sequence order.</summary>
    public long OutputHash;
}

namespace LowLatency.Engine.Time;

/// <summary>How an operator derives its watermark. Immutable: change with <c>with</c>.</summary>
public sealed record WatermarkOptions
{
    /// <summary>One input, in-order events (B = 0), no idleness.</summary>
    public static WatermarkOptions Default { get; } = new();

    /// <summary>
    /// Bounded out-of-orderness B in ticks: after every event, <c>W = max(W, maxTs − B − 1)</c> (saturating at <see cref="long.MinValue"/>).
    /// Null: no watermark from event times; only explicit or punctuated watermarks advance W.
    /// </summary>
    public long? OutOfOrderness { get; init; } = 0;

    /// <summary>Inputs whose minimum is the operator's watermark (default 1).</summary>
    public int Inputs { get; init; } = 1;

    /// <summary>
    /// An input with no event for this long (processing time, host ticks; time while it is back-pressured
    /// does not count) is excluded from the minimum until its next event. Null: never idle.
    /// </summary>
    public long? IdleTimeout { get; init; }

    internal void Validate()
    {
        if (OutOfOrderness is < 0 or long.MaxValue)
        {
            ThrowHelper.ThrowOption("WatermarkOptions.OutOfOrderness", OutOfOrderness, "must be ≥ 0 and < long.MaxValue (or null for explicit watermarks only).");
        }

        if (Inputs is < 1 or > 1024)
        {
            ThrowHelper.ThrowOption("WatermarkOptions.Inputs", Inputs, "must be between 1 and 1024.");
        }

        if (IdleTimeout is <= 0)
        {
            ThrowHelper.ThrowOption("WatermarkOptions.IdleTimeout", IdleTimeout, "must be positive (or null for never idle).");
        }
    }
}

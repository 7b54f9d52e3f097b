namespace LowLatency.Engine.Processing;

/// <summary>
/// A stage's answer to a handler exception. The default halts: an event is never skipped silently.
/// </summary>
public sealed record ExceptionPolicy
{
    /// <summary>Halt the pipeline and surface the fault (the default).</summary>
    public static ExceptionPolicy Halt { get; } = new() { Action = FaultAction.Halt };

    /// <summary>Dead-letter the event with its exception, count it, and go on.</summary>
    public static ExceptionPolicy DeadLetter { get; } = new() { Action = FaultAction.DeadLetter };

    /// <summary>What to do first.</summary>
    public FaultAction Action { get; init; } = FaultAction.Halt;

    /// <summary>With <see cref="FaultAction.Retry"/>: how many more calls the failing event gets.</summary>
    public int MaxRetries { get; init; }

    /// <summary>With <see cref="FaultAction.Retry"/>: how long to sleep before each retry.</summary>
    public TimeSpan RetryBackoff { get; init; }

    /// <summary>With <see cref="FaultAction.Retry"/>: what to do once retries are exhausted (Halt or DeadLetter).</summary>
    public FaultAction AfterRetries { get; init; } = FaultAction.Halt;

    /// <summary>Retry a failing event up to <paramref name="maxRetries"/> times, then <paramref name="then"/>.</summary>
    public static ExceptionPolicy Retry(int maxRetries, TimeSpan backoff = default, FaultAction then = FaultAction.Halt) =>
        new() { Action = FaultAction.Retry, MaxRetries = maxRetries, RetryBackoff = backoff, AfterRetries = then };

    internal void Validate(string stage)
    {
        if (MaxRetries < 0 || (Action == FaultAction.Retry && MaxRetries == 0))
        {
            ThrowHelper.ThrowOption($"StageOptions.ExceptionPolicy.MaxRetries (stage '{stage}')", MaxRetries, "must be ≥ 1 with Retry and never negative.");
        }

        if (RetryBackoff < TimeSpan.Zero)
        {
            ThrowHelper.ThrowOption($"StageOptions.ExceptionPolicy.RetryBackoff (stage '{stage}')", RetryBackoff, "must not be negative.");
        }

        if (AfterRetries == FaultAction.Retry)
        {
            ThrowHelper.ThrowOption($"StageOptions.ExceptionPolicy.AfterRetries (stage '{stage}')", AfterRetries, "must be Halt or DeadLetter.");
        }
    }
}

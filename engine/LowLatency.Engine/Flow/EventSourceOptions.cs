namespace LowLatency.Engine.Flow;

/// <summary>Options of one <see cref="EventSource{T}"/>. Immutable: change with <c>with</c>; checked when the source is created.</summary>
public sealed record EventSourceOptions
{
    /// <summary>Lossless waiting without timeout, pause at 3/4 of the ring, resume at 1/4.</summary>
    public static EventSourceOptions Default { get; } = new();

    /// <summary>The source's name in metrics.</summary>
    public string Name { get; init; } = "source";

    /// <summary>What an offer does when the ring is full.</summary>
    public OverflowPolicy Policy { get; init; } = OverflowPolicy.Wait;

    /// <summary>Under <see cref="OverflowPolicy.Wait"/>, how long <c>Offer</c> waits for room before it gives up (null: no limit).</summary>
    public TimeSpan? WaitTimeout { get; init; }

    /// <summary>Fraction of the ring's capacity at or above which the source pauses (rounded up to whole slots).</summary>
    public double HighWatermark { get; init; } = 0.75;

    /// <summary>Fraction of the ring's capacity at or below which a paused source resumes (rounded down to whole slots).</summary>
    public double LowWatermark { get; init; } = 0.25;

    /// <summary>Called once when occupancy reaches the high mark: stop reading the socket or pause partitions.</summary>
    /// <remarks>Runs on the thread that saw the crossing (the producer's); keep it short and non-blocking.</remarks>
    public Action? OnPause { get; init; }

    /// <summary>Called once when occupancy falls back to the low mark after a pause.</summary>
    /// <remarks>Runs on the thread that saw the crossing (usually a stage's); keep it short and non-blocking.</remarks>
    public Action? OnResume { get; init; }

    /// <summary>Under <see cref="OverflowPolicy.Sample"/>, the N of "one offer in N" kept while paused.</summary>
    public int SampleEvery { get; init; } = 16;

    /// <summary>Under <see cref="OverflowPolicy.Conflate"/>, the most distinct keys held while the ring is full.</summary>
    public int ConflationCapacity { get; init; } = 1024;

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(Name))
        {
            ThrowHelper.ThrowOption("EventSourceOptions.Name", Name, "must not be empty.");
        }

        if (!Enum.IsDefined(Policy))
        {
            ThrowHelper.ThrowOption("EventSourceOptions.Policy", Policy, "is not a known policy.");
        }

        if (WaitTimeout is { } timeout && timeout < TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            ThrowHelper.ThrowOption("EventSourceOptions.WaitTimeout", timeout, "must not be negative.");
        }

        if (!(HighWatermark > 0 && HighWatermark <= 1))
        {
            ThrowHelper.ThrowOption("EventSourceOptions.HighWatermark", HighWatermark, "must be in (0, 1].");
        }

        if (!(LowWatermark >= 0 && LowWatermark < HighWatermark))
        {
            ThrowHelper.ThrowOption("EventSourceOptions.LowWatermark", LowWatermark, "must be in [0, HighWatermark).");
        }

        if (SampleEvery < 1)
        {
            ThrowHelper.ThrowOption("EventSourceOptions.SampleEvery", SampleEvery, "must be ≥ 1.");
        }

        if (ConflationCapacity < 1)
        {
            ThrowHelper.ThrowOption("EventSourceOptions.ConflationCapacity", ConflationCapacity, "must be ≥ 1.");
        }
    }
}

namespace LowLatency.Engine.Diagnostics;

/// <summary>Options of <see cref="PipelineMetrics"/>. Immutable: change with <c>with</c>; checked by <see cref="PipelineMetrics.Attach{T}"/>.</summary>
public sealed record PipelineMetricsOptions
{
    /// <summary>Latency stamped on one sequence in 1024, histograms up to 60 s, no stall watchdog.</summary>
    public static PipelineMetricsOptions Default { get; } = new();

    /// <summary>
    /// Latency stamping: the sequences that are multiples of this power of two carry a publish timestamp,
    /// and each stage records publish-to-stage latency for them. 0 switches stamping off (counters, lag
    /// and occupancy stay on: they read sequences and cost nothing on the hot path).
    /// </summary>
    public int LatencySampleInterval { get; init; } = 1024;

    /// <summary>The largest latency the histograms track; larger values are recorded as this.</summary>
    public TimeSpan MaxLatency { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>A stage with work that does not advance for this long is reported as stalled; null: no watchdog.</summary>
    public TimeSpan? StallThreshold { get; init; }

    /// <summary>How often the watchdog looks (default: a quarter of <see cref="StallThreshold"/>); a stall is reported within threshold + interval.</summary>
    public TimeSpan? StallCheckInterval { get; init; }

    /// <summary>The clock and timers of the watchdog (a fake one in tests).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Called once per stall with the stage named, on the watchdog's timer thread.</summary>
    public Action<StallReport>? OnStall { get; init; }

    /// <summary>
    /// Checks the options (<see cref="PipelineMetrics.Attach{T}"/> does too); throws <see cref="ArgumentException"/>
    /// whose <see cref="ArgumentException.ParamName"/> names the option.
    /// </summary>
    public void Validate()
    {
        if (LatencySampleInterval < 0 || (LatencySampleInterval > 0 && !int.IsPow2(LatencySampleInterval)))
        {
            ThrowHelper.ThrowOption("PipelineMetricsOptions.LatencySampleInterval", LatencySampleInterval, "must be 0 (off) or a power of two.");
        }

        if (MaxLatency <= TimeSpan.Zero)
        {
            ThrowHelper.ThrowOption("PipelineMetricsOptions.MaxLatency", MaxLatency, "must be positive.");
        }

        if (StallThreshold is { } threshold && threshold <= TimeSpan.Zero)
        {
            ThrowHelper.ThrowOption("PipelineMetricsOptions.StallThreshold", threshold, "must be positive.");
        }

        if (StallCheckInterval is { } interval && interval <= TimeSpan.Zero)
        {
            ThrowHelper.ThrowOption("PipelineMetricsOptions.StallCheckInterval", interval, "must be positive.");
        }

        ArgumentNullException.ThrowIfNull(TimeProvider, "PipelineMetricsOptions.TimeProvider");
    }
}

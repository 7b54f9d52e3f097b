namespace LowLatency.Lab.Soak;

/// <summary>What the soak accepts as "flat" and "stable". Defaults follow RELIABILITY.md (Soak).</summary>
internal sealed record SoakThresholds
{
    public static SoakThresholds Default { get; } = new();

    /// <summary>Largest acceptable RSS slope after warm-up (bytes/s); 4 KiB/s is under 0.02 B per event at 200 k/s.</summary>
    public double MaxRssSlopeBytesPerSecond { get; init; } = 4096;

    /// <summary>Largest acceptable slope of the GC heap's floor after warm-up (bytes/s).</summary>
    public double MaxHeapSlopeBytesPerSecond { get; init; } = 4096;

    /// <summary>Last-tenth p99.9 may exceed the first-tenth p99.9 by at most this fraction.</summary>
    public double P999Tolerance { get; init; } = 0.2;

    /// <summary>Threads or handles may end at most this many above where the steady state began.</summary>
    public int ResourceSlack { get; init; } = 2;

    /// <summary>Checks the thresholds; throws <see cref="Commands.UsageException"/> naming the option.</summary>
    public void Validate()
    {
        if (!(MaxRssSlopeBytesPerSecond >= 0))
        {
            throw new Commands.UsageException($"--max-rss-slope must be ≥ 0 bytes/s, got {MaxRssSlopeBytesPerSecond}.");
        }

        if (!(MaxHeapSlopeBytesPerSecond >= 0))
        {
            throw new Commands.UsageException($"--max-heap-slope must be ≥ 0 bytes/s, got {MaxHeapSlopeBytesPerSecond}.");
        }

        if (!(P999Tolerance >= 0))
        {
            throw new Commands.UsageException($"--p999-tolerance must be ≥ 0 (0.2 = 20 %), got {P999Tolerance}.");
        }
    }
}

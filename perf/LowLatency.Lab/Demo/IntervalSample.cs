namespace LowLatency.Lab.Demo;

/// <summary>What the monitor saw over one interval of a run (latencies in ns, from intended send time).</summary>
internal readonly record struct IntervalSample
{
    public double ElapsedSeconds { get; init; }

    public bool Warmup { get; init; }

    public long Processed { get; init; }

    public double EventsPerSecond { get; init; }

    public long Lag { get; init; }

    public long P50 { get; init; }

    public long P99 { get; init; }

    public long P999 { get; init; }

    public long Max { get; init; }

    public long Dropped { get; init; }

    public long Late { get; init; }

    public long RssBytes { get; init; }

    public long GcHeapBytes { get; init; }

    public int Gen0 { get; init; }

    public int Gen1 { get; init; }

    public int Gen2 { get; init; }

    public double AllocatedBytesPerSecond { get; init; }

    public int Threads { get; init; }

    public int Handles { get; init; }
}

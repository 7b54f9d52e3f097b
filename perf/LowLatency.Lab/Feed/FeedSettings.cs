namespace LowLatency.Lab.Feed;

/// <summary>What the synthetic market-data feed produces.</summary>
internal sealed record FeedSettings
{
    public static FeedSettings Default { get; } = new();

    /// <summary>Distinct symbols (keys).</summary>
    public int Symbols { get; init; } = 5_000;

    /// <summary>Zipf exponent of symbol activity: 0 is uniform, ~1 is exchange-like.</summary>
    public double Skew { get; init; } = 1.1;

    /// <summary>Offered rate in events per second; 0 means as fast as the pipeline takes them (closed loop).</summary>
    public long Rate { get; init; } = 1_000_000;

    /// <summary>The bound B of out-of-orderness: on-time ticks carry an event time up to B before their send time.</summary>
    public TimeSpan OutOfOrderBound { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Share of ticks sent late on purpose, older than every window they belong to.</summary>
    public double LateShare { get; init; } = 0.001;

    /// <summary>How much older than the watermark a late tick is: more than the longest window (5 s).</summary>
    public TimeSpan LateBy { get; init; } = TimeSpan.FromSeconds(6);

    /// <summary>Share of malformed ticks (non-positive size) that validation must reject.</summary>
    public double InvalidShare { get; init; } = 0.0005;

    /// <summary>Lossless (wait for room) or lossy (drop a batch when the ring is full, counted).</summary>
    public bool DropWhenFull { get; init; }

    /// <summary>The source id stamped on every tick (verifier key).</summary>
    public int Source { get; init; }

    /// <summary>Seed of the feed's generator; printed in reports so a run can be replayed.</summary>
    public ulong Seed { get; init; } = 42;

    /// <summary>Most ticks claimed and published at once when the feed is behind its schedule.</summary>
    public int MaxBatch { get; init; } = 64;
}

using System.Net;
using LowLatency.Engine.Pipelines;
using LowLatency.Lab.Feed;
using LowLatency.Lab.Latency;

namespace LowLatency.Lab.Demo;

/// <summary>One run of the lab: a feed, a topology, how long, how it idles, what to sample.</summary>
internal sealed record RunSpec
{
    public FeedSettings Feed { get; init; } = FeedSettings.Default;

    public Topology Topology { get; init; } = Topology.Demo;

    /// <summary>Total run time, warm-up included; the drain comes after.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Leading part of the run excluded from latency, throughput and GC figures (JIT tiering, caches).</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How often the monitor samples (and the progress line updates).</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);

    public WaitStrategyKind WaitStrategy { get; init; } = WaitStrategyKind.Hybrid;

    /// <summary>Threads the stages may use (<c>PipelineOptions.Threads</c>): 0 = a thread per stage.</summary>
    public int StageThreads { get; init; }

    /// <summary>Ring slots (power of two).</summary>
    public int Capacity { get; init; } = 16_384;

    /// <summary>
    /// When set, ticks come over TCP (<c>lowlatency feed --connect</c>) into a source listening here, instead
    /// of the synthetic feed; the feed settings other than <see cref="FeedSettings.Symbols"/> do not apply.
    /// </summary>
    public IPEndPoint? Listen { get; init; }

    /// <summary>With <see cref="Listen"/>: the token a publisher's hello must carry (<c>--token</c>); null accepts any.</summary>
    public string? ListenToken { get; init; }

    /// <summary>When set, a journaling stage records every tick into this folder first (<c>demo --journal DIR</c>).</summary>
    public string? Journal { get; init; }

    /// <summary>With <see cref="Journal"/>: the journal's pretouch thread runs (<c>JournalOptions.Pretouch</c>; the bench compares it off).</summary>
    public bool JournalPretouch { get; init; } = true;

    /// <summary>With <see cref="Journal"/>: compresses sealed segments in the background (<c>--journal-compress lz4</c>); null keeps them raw.</summary>
    public Engine.Journal.ISegmentCompressor? JournalCompressor { get; init; }

    /// <summary>With <see cref="Journal"/>: bytes per segment file (<c>--journal-segment-bytes</c>).</summary>
    public long JournalSegmentBytes { get; init; } = Engine.Journal.JournalOptions.Default.SegmentBytes;

    /// <summary>
    /// With <see cref="Journal"/>: keeps only the last segment sealed (<c>JournalOptions.RetainBytes</c> = one segment) and
    /// reuses retired segments' files (<c>JournalOptions.RecycleSegments</c>); the bench compares it; false keeps everything.
    /// </summary>
    public bool JournalRecycle { get; init; }

    /// <summary>When set, the demo serves its dashboard here (page at <c>/</c>, WebSocket at <c>/ws</c>) while it runs.</summary>
    public IPEndPoint? Dashboard { get; init; }

    /// <summary>Also sample RSS, threads and handles each interval (the soak).</summary>
    public bool SampleProcess { get; init; }

    /// <summary>Checks the spec; the message names the option.</summary>
    public void Validate()
    {
        if (Duration <= TimeSpan.Zero)
        {
            throw new ArgumentException($"--duration must be positive (got {Duration.TotalSeconds} s).");
        }

        if (Warmup < TimeSpan.Zero || Warmup >= Duration)
        {
            throw new ArgumentException($"--warmup must be ≥ 0 and shorter than --duration (got {Warmup.TotalSeconds} s of {Duration.TotalSeconds} s).");
        }

        if (Interval <= TimeSpan.Zero)
        {
            throw new ArgumentException($"--interval must be positive (got {Interval.TotalSeconds} s).");
        }

        if (Listen is not null && Feed.DropWhenFull)
        {
            throw new ArgumentException("--drop-when-full applies to the synthetic feed, not to --listen (the TCP source pushes back instead).");
        }

        if (Feed.Rate < 0)
        {
            throw new ArgumentException($"--rate must be ≥ 0 (0 = max speed), got {Feed.Rate}.");
        }

        if (Feed.DropWhenFull && Feed.Rate == 0)
        {
            throw new ArgumentException("--drop-when-full needs a paced --rate: at max speed every refused attempt would count as a drop.");
        }

        if (Capacity < 2 || !int.IsPow2(Capacity))
        {
            throw new ArgumentException($"--capacity must be a power of two ≥ 2, got {Capacity}.");
        }

        if (Feed.Symbols < 1)
        {
            throw new ArgumentException($"--symbols must be ≥ 1, got {Feed.Symbols}.");
        }
    }
}

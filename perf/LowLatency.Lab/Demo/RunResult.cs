using HdrHistogram;
using LowLatency.Lab.Measurement;
using LowLatency.Lab.Reporting;
using LowLatency.Lab.Verification;

namespace LowLatency.Lab.Demo;

/// <summary>What one run measured. Latencies in nanoseconds from each event's intended send time.</summary>
internal sealed record RunResult
{
    public required RunSpec Spec { get; init; }

    /// <summary>Events the feed's schedule offered (published + dropped).</summary>
    public long Offered { get; init; }

    /// <summary>Events the feed published (whole run).</summary>
    public required long Events { get; init; }

    /// <summary>Events the sink handled during the steady state (after warm-up).</summary>
    public required long SteadyEvents { get; init; }

    public required TimeSpan SteadyElapsed { get; init; }

    public required TimeSpan Elapsed { get; init; }

    /// <summary>Ctrl+C ended the run before <see cref="RunSpec.Duration"/>; <see cref="Elapsed"/> is what actually ran.</summary>
    public bool Interrupted { get; init; }

    /// <summary>GC collections and bytes allocated (all threads) during the steady state.</summary>
    public required GcSnapshot SteadyGc { get; init; }

    /// <summary>Latency of every event sent after warm-up (drain tail included).</summary>
    public required HistogramBase Latency { get; init; }

    public required IReadOnlyList<IntervalSample> Intervals { get; init; }

    public required VerifierResult Verification { get; init; }

    public required long Dropped { get; init; }

    public required long Late { get; init; }

    public required long Rejected { get; init; }

    public required long WindowsEmitted { get; init; }

    public required long PriceBandBreaches { get; init; }

    public required long NotionalBreaches { get; init; }

    public required IReadOnlyList<WindowResult> WindowSamples { get; init; }

    /// <summary>With <c>--listen</c>: what the TCP source saw at the edge (connections, disconnects by reason, resumes, duplicates, gaps).</summary>
    public EdgeFigures? Edge { get; init; }

    /// <summary>The sink's <see cref="Demo.OutputHash"/> over every tick it saw.</summary>
    public ulong OutputHash { get; init; }

    public double EventsPerSecond => SteadyElapsed > TimeSpan.Zero ? SteadyEvents / SteadyElapsed.TotalSeconds : 0;
}

using LowLatency.Lab.Bench;

namespace LowLatency.Lab.Reporting;

/// <summary>
/// The JSON report of <c>lowlatency pingpong --json</c>. Field names are a stable contract (README, "Lab
/// reports"): add fields, never rename or drop one.
/// </summary>
internal sealed record PingPongReport
{
    public int Schema { get; init; } = 1;

    public string Command { get; init; } = "pingpong";

    public DateTime TimestampUtc { get; init; } = DateTime.UtcNow;

    public required MachineInfo Machine { get; init; }

    public required string WaitStrategy { get; init; }

    /// <summary>Round trips asked for (<c>--count</c>).</summary>
    public required int Rounds { get; init; }

    /// <summary>Round trips recorded after the warm-up (fewer than <see cref="Rounds"/> when interrupted).</summary>
    public required long Recorded { get; init; }

    public required int IntervalUs { get; init; }

    /// <summary>Round-trip percentiles in ns: p50, p90, p99, p999, max.</summary>
    public required PingPongLatency RoundTripNs { get; init; }

    /// <summary>Gen0 collections while recording.</summary>
    public required int Gen0 { get; init; }

    public required double ElapsedSeconds { get; init; }

    public required bool Interrupted { get; init; }
}

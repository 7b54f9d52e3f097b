namespace LowLatency.Lab.Reporting;

/// <summary>
/// The JSON report of <c>lowlatency demo --kafka --json</c>. Field names are a stable contract (README, "Lab
/// reports"): add fields, never rename or drop one.
/// </summary>
internal sealed record KafkaDemoReport
{
    public int Schema { get; init; } = 1;

    public string Command { get; init; } = "demo";

    public string Mode { get; init; } = "kafka";

    public DateTime TimestampUtc { get; init; } = DateTime.UtcNow;

    public required string Bootstrap { get; init; }

    public required bool Embedded { get; init; }

    public required double DurationSeconds { get; init; }

    public required double ElapsedSeconds { get; init; }

    public required bool Interrupted { get; init; }

    /// <summary>Ticks per second asked for; 0 = as fast as the producer accepts.</summary>
    public required long OfferedRate { get; init; }

    public required int Symbols { get; init; }

    public required long Fed { get; init; }

    public required long Consumed { get; init; }

    public required long Bars { get; init; }

    /// <summary>Records the source refused: null values.</summary>
    public required long MalformedNullValue { get; init; }

    /// <summary>Records the source refused: undecodable values.</summary>
    public required long MalformedUndecodable { get; init; }

    /// <summary>Ticks whose instrument is outside [0, symbols): counted and skipped by the bar stage.</summary>
    public required long RejectedKeys { get; init; }

    /// <summary>Whether the bars topic was read back and checked (false when interrupted or stopped by an error).</summary>
    public required bool Verified { get; init; }

    public required long Lost { get; init; }

    public required long Duplicated { get; init; }

    public required long Inconsistent { get; init; }

    /// <summary>The one-line error that stopped the run, if one did.</summary>
    public string? Error { get; init; }
}

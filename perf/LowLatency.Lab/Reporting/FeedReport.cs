namespace LowLatency.Lab.Reporting;

/// <summary>
/// The JSON report of <c>lowlatency feed --json</c>. Field names are a stable contract (README, "Lab
/// reports"): add fields, never rename or drop one.
/// </summary>
internal sealed record FeedReport
{
    public int Schema { get; init; } = 1;

    public string Command { get; init; } = "feed";

    public DateTime TimestampUtc { get; init; } = DateTime.UtcNow;

    public required string Endpoint { get; init; }

    public required string Session { get; init; }

    /// <summary>Ticks per second asked for; 0 = as fast as the source accepts.</summary>
    public required long OfferedRate { get; init; }

    public required long Published { get; init; }

    public required long Acked { get; init; }

    public required long Reconnects { get; init; }

    /// <summary>Why the last connection closed (<c>None</c> if it never did).</summary>
    public required string LastCloseReason { get; init; }

    /// <summary>Every published tick was acknowledged before the feed ended.</summary>
    public required bool AllAcked { get; init; }

    public required double ElapsedSeconds { get; init; }

    public required bool Interrupted { get; init; }
}

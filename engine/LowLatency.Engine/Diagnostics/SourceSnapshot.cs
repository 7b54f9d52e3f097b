using LowLatency.Engine.Flow;

namespace LowLatency.Engine.Diagnostics;

/// <summary>One event source at the time of a snapshot.</summary>
/// <param name="Name">The source's name.</param>
/// <param name="Published">Events the source put into the ring.</param>
/// <param name="Pending">Events held for conflation.</param>
/// <param name="Paused">True between a pause and the next resume.</param>
/// <param name="Pauses">Times the source paused.</param>
/// <param name="BackPressuredTime">Time the source spent refused or waiting for room.</param>
/// <param name="Rejected">Not accepted: <see cref="DropReason.Rejected"/>.</param>
/// <param name="TimedOut">Not accepted: <see cref="DropReason.TimedOut"/>.</param>
/// <param name="Closed">Not accepted: <see cref="DropReason.Closed"/>.</param>
/// <param name="Full">Not accepted: <see cref="DropReason.Full"/>.</param>
/// <param name="Sampled">Not accepted: <see cref="DropReason.Sampled"/>.</param>
/// <param name="Conflated">Not accepted: <see cref="DropReason.Conflated"/>.</param>
public readonly record struct SourceSnapshot(
    string Name,
    long Published,
    int Pending,
    bool Paused,
    long Pauses,
    TimeSpan BackPressuredTime,
    long Rejected,
    long TimedOut,
    long Closed,
    long Full,
    long Sampled,
    long Conflated)
{
    /// <summary>Not accepted, for <paramref name="reason"/>.</summary>
    public long GetDropped(DropReason reason) => reason switch
    {
        DropReason.Rejected => Rejected,
        DropReason.TimedOut => TimedOut,
        DropReason.Closed => Closed,
        DropReason.Full => Full,
        DropReason.Sampled => Sampled,
        DropReason.Conflated => Conflated,
        _ => 0,
    };

    /// <summary>Not accepted, every reason.</summary>
    public long TotalDropped => Rejected + TimedOut + Closed + Full + Sampled + Conflated;

    internal static SourceSnapshot Of(EventSource source) => new(
        source.Name,
        source.Published,
        source.Pending,
        source.IsPaused,
        source.Pauses,
        source.BackPressuredTime,
        source.GetDropped(DropReason.Rejected),
        source.GetDropped(DropReason.TimedOut),
        source.GetDropped(DropReason.Closed),
        source.GetDropped(DropReason.Full),
        source.GetDropped(DropReason.Sampled),
        source.GetDropped(DropReason.Conflated));
}

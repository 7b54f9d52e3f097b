using System.Runtime.InteropServices;

namespace LowLatency.Engine.Windowing;

/// <summary>What a window operator did with its events and results (DESIGN.md §4: every event is counted, never dropped silently).</summary>
/// <remarks>Every event handled is counted exactly once in <see cref="EventsAccepted"/> or in one of the refusal counters.</remarks>
[StructLayout(LayoutKind.Auto)]
public struct WindowCounters
{
    /// <summary>Events added to at least one window.</summary>
    public long EventsAccepted;

    /// <summary>Accepted events that were at or behind the watermark (they re-fired windows already fired).</summary>
    public long LateAccepted;

    /// <summary>Events sent to the late side output because every window they belong to was past its allowed lateness.</summary>
    public long LateDropped;

    /// <summary>(event, window) pairs refused as too late for an event that other windows of it accepted (hopping).</summary>
    public long PartialDrops;

    /// <summary>Events in a gap between hopping windows (<c>Slide &gt; Size</c>), sent to the late side output.</summary>
    public long Unassigned;

    /// <summary>Events whose windows cannot be represented in Int64 ticks, sent to the late side output.</summary>
    public long OutOfRange;

    /// <summary>Events sent to the late side output because the state was full.</summary>
    public long StateFullRejected;

    /// <summary>Results emitted (not counting the end marker).</summary>
    public long ResultsEmitted;

    /// <summary>Every event handled: accepted or refused for one of the counted reasons.</summary>
    public readonly long EventsHandled => EventsAccepted + LateDropped + Unassigned + OutOfRange + StateFullRejected;

    internal readonly void Write(BinaryWriter writer)
    {
        writer.Write(EventsAccepted);
        writer.Write(LateAccepted);
        writer.Write(LateDropped);
        writer.Write(PartialDrops);
        writer.Write(Unassigned);
        writer.Write(OutOfRange);
        writer.Write(StateFullRejected);
        writer.Write(ResultsEmitted);
    }

    internal void Read(BinaryReader reader)
    {
        EventsAccepted = reader.ReadInt64();
        LateAccepted = reader.ReadInt64();
        LateDropped = reader.ReadInt64();
        PartialDrops = reader.ReadInt64();
        Unassigned = reader.ReadInt64();
        OutOfRange = reader.ReadInt64();
        StateFullRejected = reader.ReadInt64();
        ResultsEmitted = reader.ReadInt64();
    }
}

namespace LowLatency.Engine.Journal;

/// <summary>
/// A torn tail: the last record of the last segment is incomplete (length or CRC wrong, or the file ends
/// inside it) and nothing valid follows. Opening a writer truncates it; a reader stops before it.
/// </summary>
public sealed record JournalDamage
{
    /// <summary>The segment file.</summary>
    public required string Segment { get; init; }

    /// <summary>Offset of the torn record: the journal's valid end.</summary>
    public required long Offset { get; init; }

    /// <summary>Why the record is not valid.</summary>
    public required string Reason { get; init; }

    /// <summary>Events the torn record's header claims (not journaled; with <see cref="JournalDurability.SyncPerBatch"/> never acknowledged), or −1 when its header is unreadable.</summary>
    public required long EventsNotJournaled { get; init; }

    /// <summary>Non-zero bytes found from the torn record on (what a writer zeroes).</summary>
    public required long BytesDiscarded { get; init; }

    /// <inheritdoc/>
    public override string ToString() =>
        $"torn tail in '{Segment}' at offset {Offset}: {Reason}; {(EventsNotJournaled < 0 ? "unknown number of" : EventsNotJournaled.ToString(System.Globalization.CultureInfo.InvariantCulture))} event(s) not journaled, {BytesDiscarded} byte(s) discarded";
}

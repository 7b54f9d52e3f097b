namespace LowLatency.Engine.Journal;

/// <summary>The kind of a journal record.</summary>
public enum JournalRecordKind : ushort
{
    /// <summary>A batch of events: <see cref="JournalRecord.Count"/> events from <see cref="JournalRecord.Position"/> on, with the batch's processing-clock reading.</summary>
    Events = 1,

    /// <summary>An explicit watermark (<see cref="JournalRecord.Value"/>) that applies before the event at <see cref="JournalRecord.Position"/>.</summary>
    Watermark = 2,

    /// <summary>A host-defined control mark (<see cref="JournalRecord.Value"/>) that applies before the event at <see cref="JournalRecord.Position"/>.</summary>
    Control = 3,

    /// <summary>Closes a segment: the journal continues in the next one.</summary>
    SegmentEnd = 4,
}

using System.Runtime.InteropServices;

namespace LowLatency.Engine.Journal;

/// <summary>One record as a reader sees it: valid until the reader moves on.</summary>
public readonly ref struct JournalRecord
{
    internal JournalRecord(JournalRecordKind kind, long position, int count, long clock, long value, ReadOnlySpan<byte> payload, long segment, long offset)
    {
        Kind = kind;
        Position = position;
        Count = count;
        Clock = clock;
        Value = value;
        Payload = payload;
        Segment = segment;
        Offset = offset;
    }

    /// <summary>Events or a mark.</summary>
    public JournalRecordKind Kind { get; }

    /// <summary>Journal position of the first event (events), or of the event the mark precedes.</summary>
    public long Position { get; }

    /// <summary>Events in the record.</summary>
    public int Count { get; }

    /// <summary>The processing-clock reading recorded with the batch or mark.</summary>
    public long Clock { get; }

    /// <summary>The mark's value (watermark or control code).</summary>
    public long Value { get; }

    /// <summary>The encoded events.</summary>
    public ReadOnlySpan<byte> Payload { get; }

    /// <summary>Index of the segment holding the record.</summary>
    public long Segment { get; }

    /// <summary>Byte offset of the record in its segment.</summary>
    public long Offset { get; }

    /// <summary>The events of a raw (blittable) journal, in place.</summary>
    public ReadOnlySpan<T> Events<T>()
        where T : unmanaged => MemoryMarshal.Cast<byte, T>(Payload);
}

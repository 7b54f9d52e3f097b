namespace LowLatency.Engine.Journal;

/// <summary>What a segment's header says.</summary>
public sealed record JournalSegmentInfo
{
    /// <summary>The segment file.</summary>
    public required string Path { get; init; }

    /// <summary>0, 1, 2, … in journal order.</summary>
    public required long Index { get; init; }

    /// <summary>Journal position of the segment's first event.</summary>
    public required long FirstPosition { get; init; }

    /// <summary>When the segment was created (Unix ms).</summary>
    public required long CreatedUnixMilliseconds { get; init; }

    /// <summary>The segment's size as allocated.</summary>
    public required long SegmentBytes { get; init; }

    /// <summary>Bytes per encoded event.</summary>
    public required int EventSize { get; init; }

    /// <summary>The durability policy the writer ran with.</summary>
    public required JournalDurability Durability { get; init; }

    /// <summary>The codec's schema hash.</summary>
    public required ulong SchemaHash { get; init; }

    /// <summary>The codec's event type name.</summary>
    public required string EventType { get; init; }

    /// <summary>The file's size on disk when it was listed (the allocated size for a raw segment; the compressed file's size).</summary>
    public long StoredBytes { get; init; }

    /// <summary>For a compressed segment: the bytes it used raw (header and records); 0 for a raw one (not counted until read).</summary>
    public long UsedBytes { get; init; }

    /// <summary>The compressor's name for a compressed segment (<see cref="ISegmentCompressor.Name"/>); null for a raw one.</summary>
    public string? Compression { get; init; }
}

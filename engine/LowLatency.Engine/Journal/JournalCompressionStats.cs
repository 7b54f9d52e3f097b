namespace LowLatency.Engine.Journal;

/// <summary>What a writer's compression thread has done so far (<see cref="JournalOptions.Compressor"/>).</summary>
public readonly record struct JournalCompressionStats
{
    /// <summary>Segments compressed (each replaced by its compressed file).</summary>
    public long Segments { get; init; }

    /// <summary>Bytes those segments used raw (header and records; the unused tail of a segment is not counted).</summary>
    public long RawBytes { get; init; }

    /// <summary>Bytes of the compressed files that replaced them.</summary>
    public long CompressedBytes { get; init; }

    /// <summary>Time the compression thread spent compressing, syncing and renaming.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>Segments that could not be compressed (they stay raw and readable).</summary>
    public long Failures { get; init; }

    /// <summary>The last failure, if any.</summary>
    public Exception? LastError { get; init; }
}

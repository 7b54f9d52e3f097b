namespace LowLatency.Engine.Journal;

/// <summary>A journal record or segment is damaged where damage cannot be a torn tail: the journal is not read past it.</summary>
public sealed class JournalCorruptException : IOException
{
    /// <summary>Creates the exception for <paramref name="segment"/> at <paramref name="offset"/>.</summary>
    public JournalCorruptException(string segment, long offset, string reason)
        : base($"Journal segment '{segment}' is corrupt at offset {offset}: {reason}. Records after it are not read; restore the segment or cut the journal here explicitly.")
    {
        Segment = segment;
        Offset = offset;
    }

    /// <summary>Creates the exception.</summary>
    public JournalCorruptException()
        : this(string.Empty, 0, "unknown")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public JournalCorruptException(string message)
        : base(message)
    {
        Segment = string.Empty;
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public JournalCorruptException(string message, Exception innerException)
        : base(message, innerException)
    {
        Segment = string.Empty;
    }

    /// <summary>The damaged segment file.</summary>
    public string Segment { get; }

    /// <summary>Byte offset of the damaged record (or header) in the segment.</summary>
    public long Offset { get; }
}

namespace LowLatency.Engine.Journal;

/// <summary>The journal could not allocate its next segment (disk full, quota or I/O error); nothing from the refused batch on is journaled.</summary>
public sealed class JournalFullException : IOException
{
    /// <summary>Creates the exception.</summary>
    public JournalFullException(string directory, long position, int notJournaled, Exception cause)
        : base($"Journal '{directory}' cannot allocate its next segment at position {position} ({cause.Message}); {notJournaled} event(s) of the current batch are not journaled.", cause)
    {
        Directory = directory;
        Position = position;
        NotJournaled = notJournaled;
    }

    /// <summary>Creates the exception.</summary>
    public JournalFullException()
        : base("The journal is full.")
    {
        Directory = string.Empty;
    }

    /// <summary>Creates the exception with a message.</summary>
    public JournalFullException(string message)
        : base(message)
    {
        Directory = string.Empty;
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public JournalFullException(string message, Exception innerException)
        : base(message, innerException)
    {
        Directory = string.Empty;
    }

    /// <summary>The journal directory.</summary>
    public string Directory { get; }

    /// <summary>Journal position of the first event not journaled.</summary>
    public long Position { get; }

    /// <summary>Events of the refused batch not journaled (the pipeline halts before any of them counts as done).</summary>
    public int NotJournaled { get; }
}

namespace LowLatency.Engine.Journal;

/// <summary>A journal holds another event type, event size or schema than the codec reading or extending it.</summary>
public sealed class JournalSchemaException : IOException
{
    /// <summary>Creates the exception.</summary>
    public JournalSchemaException()
        : base("The journal holds another event type or schema.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public JournalSchemaException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public JournalSchemaException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

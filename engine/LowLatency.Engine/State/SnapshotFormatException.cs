namespace LowLatency.Engine.State;

/// <summary>A snapshot was refused: truncated, corrupt, of another format version, or of another operator.</summary>
public sealed class SnapshotFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SnapshotFormatException()
        : base("The snapshot is not valid.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public SnapshotFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public SnapshotFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

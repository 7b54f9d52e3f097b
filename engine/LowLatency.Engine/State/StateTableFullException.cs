namespace LowLatency.Engine.State;

/// <summary>Thrown under <see cref="TableFullPolicy.Throw"/> when a state table has no free entry.</summary>
public sealed class StateTableFullException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StateTableFullException()
        : base("A keyed state table is full: raise its capacity option or use TableFullPolicy.Reject.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public StateTableFullException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public StateTableFullException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

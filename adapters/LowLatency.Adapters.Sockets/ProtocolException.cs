namespace LowLatency.Adapters.Sockets;

/// <summary>
/// The one documented protocol error: bytes that are not valid wire format v2, or a valid frame the
/// receiver does not accept. <see cref="Reason"/> says which rule was broken.
/// </summary>
public sealed class ProtocolException : IOException
{
    /// <summary>Creates an exception for <paramref name="reason"/>.</summary>
    public ProtocolException(DisconnectReason reason)
        : base("Wire protocol violation: " + reason.ToString() + ".") => Reason = reason;

    /// <summary>Creates an exception for <paramref name="reason"/> with a message that says what it means here.</summary>
    public ProtocolException(DisconnectReason reason, string message)
        : base(message) => Reason = reason;

    /// <summary>Creates an exception with no particular reason (serialization and tooling).</summary>
    public ProtocolException()
        : this(DisconnectReason.None)
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public ProtocolException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and an inner exception.</summary>
    public ProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The rule that was broken.</summary>
    public DisconnectReason Reason { get; }
}

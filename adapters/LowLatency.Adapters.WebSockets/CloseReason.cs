namespace LowLatency.Adapters.WebSockets;

/// <summary>Why the hub closed or refused a connection; each is counted (<see cref="WebSocketHub.GetClosed"/>, meter tag <c>reason</c>).</summary>
public enum CloseReason
{
    /// <summary>The client closed (or went away).</summary>
    ClientClosed,

    /// <summary>Refused: missing or wrong token (1008).</summary>
    BadToken,

    /// <summary>Refused: <c>Origin</c> not allowed (1008).</summary>
    BadOrigin,

    /// <summary>Refused: the connection cap is reached (1013).</summary>
    TooManyConnections,

    /// <summary>Refused: <c>?format=</c> is neither <c>json</c> nor <c>binary</c> (1008).</summary>
    BadFormat,

    /// <summary>A client message was larger than the maximum (1009).</summary>
    MessageTooBig,

    /// <summary>A client message was not a valid command (1007), or was binary (1003).</summary>
    InvalidMessage,

    /// <summary>The WebSocket framing was broken, or the peer vanished mid-frame (aborted).</summary>
    ProtocolError,

    /// <summary>The peer did not answer a ping within the ping timeout (aborted).</summary>
    PingTimeout,

    /// <summary>A TCP connection sent no complete upgrade request within the handshake timeout (own server only; dropped by Kestrel).</summary>
    HandshakeTimeout,

    /// <summary>A frame waited longer than the idle timeout for the client to read (aborted).</summary>
    Stalled,

    /// <summary>The hub shut down (1001).</summary>
    ServerShutdown,

    /// <summary>Refused: one more connection would take the hub's buffers over <see cref="WebSocketHubOptions.MaxBufferBytes"/> (1013).</summary>
    MemoryCap,
}

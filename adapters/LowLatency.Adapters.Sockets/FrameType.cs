namespace LowLatency.Adapters.Sockets;

/// <summary>The frame types of wire format v1 (byte 3 of the frame header).</summary>
public enum FrameType : byte
{
    /// <summary>Client → server: opens a session (session id, schema id, event size, role, optional auth token).</summary>
    Hello = 0x01,

    /// <summary>Server → client: accepts the session and states the highest accepted and acknowledged sequences.</summary>
    Welcome = 0x02,

    /// <summary>Either way: a batch of fixed-size events with consecutive sequence numbers, optionally LZ4-compressed.</summary>
    Batch = 0x03,

    /// <summary>Server → publisher: every event of the session up to the given sequence is done by every terminal stage.</summary>
    Ack = 0x04,

    /// <summary>Either way: no payload; keeps an otherwise quiet connection from its idle timeout.</summary>
    Heartbeat = 0x05,

    /// <summary>Either way: the sender is closing the connection, with a <see cref="DisconnectReason"/>.</summary>
    Close = 0x06,
}

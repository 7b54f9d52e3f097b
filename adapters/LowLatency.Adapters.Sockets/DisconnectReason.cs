namespace LowLatency.Adapters.Sockets;

/// <summary>
/// Why a connection ended. Sent as the reason of a <see cref="FrameType.Close"/> frame (a little-endian
/// <c>u16</c>) and counted per reason by sources and sinks.
/// </summary>
public enum DisconnectReason : ushort
{
    /// <summary>Not closed, or no reason known.</summary>
    None = 0,

    /// <summary>The peer or the host closed cleanly between frames.</summary>
    Normal = 1,

    /// <summary>The stream ended in the middle of a frame (counted, never sent).</summary>
    Truncated = 2,

    /// <summary>The first two header bytes were not <c>4C 4C</c>.</summary>
    BadMagic = 3,

    /// <summary>The header's version byte is not one this build speaks.</summary>
    UnsupportedVersion = 4,

    /// <summary>The header's type byte is not a known <see cref="FrameType"/>.</summary>
    UnknownFrameType = 5,

    /// <summary>A reserved header byte or an unknown flag bit was set, or a flag was used where it is not allowed.</summary>
    ReservedBitsSet = 6,

    /// <summary>The header's payload length is negative or above the configured maximum frame size.</summary>
    FrameTooLarge = 7,

    /// <summary>The header's uncompressed length is negative or above the configured maximum decompressed size.</summary>
    DecompressedTooLarge = 8,

    /// <summary>An LZ4 payload was corrupt or did not decode to exactly its declared size.</summary>
    CompressionError = 9,

    /// <summary>A payload's inner lengths disagree with the frame (wrong size, event size, count, or sequence range).</summary>
    MalformedPayload = 10,

    /// <summary>A valid frame the receiver does not accept in its state (a batch before the hello, a second hello, a server frame from a client).</summary>
    UnexpectedFrame = 11,

    /// <summary>The hello's auth token did not match.</summary>
    AuthenticationFailed = 12,

    /// <summary>The hello's schema id, event size or role did not match the server's.</summary>
    SchemaMismatch = 13,

    /// <summary>No valid hello arrived within the handshake deadline (TLS included).</summary>
    HandshakeTimeout = 14,

    /// <summary>A frame was started and not completed within the frame-completion timeout.</summary>
    FrameTimeout = 15,

    /// <summary>No byte arrived within the idle timeout (time spent back-pressured does not count).</summary>
    IdleTimeout = 16,

    /// <summary>The server already had its maximum number of connections.</summary>
    ConnectionLimit = 17,

    /// <summary>A newer connection opened the same session.</summary>
    SessionTakenOver = 18,

    /// <summary>The host is stopping, or its ring was closed.</summary>
    Stopping = 19,

    /// <summary>A sink subscriber fell further behind than its buffer allows.</summary>
    SlowSubscriber = 20,

    /// <summary>The socket failed (reset, aborted, or an I/O error); counted, never sent.</summary>
    TransportError = 21,

    /// <summary>The TLS handshake failed (counted, never sent).</summary>
    TlsFailed = 22,

    /// <summary>A batch's CRC-32C did not match its (decompressed) payload: the bytes were corrupted; none of its events was published.</summary>
    ChecksumMismatch = 23,
}

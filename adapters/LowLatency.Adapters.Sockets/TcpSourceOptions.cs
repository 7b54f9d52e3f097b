using System.Net;
using System.Net.Security;

namespace LowLatency.Adapters.Sockets;

/// <summary>Options of a <see cref="TcpSource{T, TCodec}"/>. Every limit is on by default; invalid values fail when the source is built.</summary>
public sealed record TcpSourceOptions
{
    /// <summary>Defaults: loopback, any free port, 1 MiB frames, 256 connections, 5 s handshake, 10 s frame completion, 60 s idle.</summary>
    public static TcpSourceOptions Default { get; } = new();

    /// <summary>Where to listen. Loopback unless told otherwise; port 0 picks a free port (see <see cref="TcpSource{T, TCodec}.LocalEndPoint"/>).</summary>
    public IPEndPoint Endpoint { get; init; } = new(IPAddress.Loopback, 0);

    /// <summary>Listen backlog.</summary>
    public int Backlog { get; init; } = 128;

    /// <summary>Schema id a publisher's hello must carry (the host's name for its event layout; no type name goes on the wire).</summary>
    public uint SchemaId { get; init; }

    /// <summary>Token a publisher's hello must carry, compared in constant time; empty accepts any client.</summary>
    public ReadOnlyMemory<byte> AuthToken { get; init; }

    /// <summary>TLS server options; null serves plain TCP.</summary>
    public SslServerAuthenticationOptions? Tls { get; init; }

    /// <summary>Largest frame payload accepted on the wire, checked on the header before any of the payload is buffered.</summary>
    public int MaxFrameSize { get; init; } = 1 << 20;

    /// <summary>Largest payload accepted once decompressed (an LZ4 header claiming more is refused before decompressing).</summary>
    public int MaxDecompressedSize { get; init; } = 1 << 20;

    /// <summary>Concurrent connections; the next one is refused with <see cref="DisconnectReason.ConnectionLimit"/>.</summary>
    public int MaxConnections { get; init; } = 256;

    /// <summary>Sessions remembered for resume (connected or not); the oldest disconnected one is forgotten first.</summary>
    public int MaxSessions { get; init; } = 1024;

    /// <summary>Time from accept to a valid hello (TLS handshake included).</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Time from the first byte of a frame to its last (slowloris guard).</summary>
    public TimeSpan FrameTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Time without any byte before a connection is closed; time spent back-pressured does not count.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How often the timeouts above are checked (their resolution).</summary>
    public TimeSpan WatchdogPeriod { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Off only for the lab's same-run comparison of the checksum's cost (<c>bench --scenario tcp</c>): a
    /// source that skips it accepts corrupted payloads, which is why no public option turns it off.
    /// </summary>
    internal bool VerifyChecksums { get; init; } = true;

    /// <summary>How often each connection computes its cumulative ack and sends it if it moved.</summary>
    public TimeSpan AckInterval { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>How often a back-pressured connection looks at the ring again.</summary>
    public TimeSpan BackpressurePollInterval { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>
    /// Socket read size and the per-connection read-ahead: at most this many bytes beyond the frame being
    /// parsed are buffered, so a connection holds at most one maximum frame plus this (the pipe's pause threshold).
    /// </summary>
    public int ReceiveBufferSize { get; init; } = 64 * 1024;

    /// <summary>Most ring slots claimed at once (also capped at half the ring).</summary>
    public int MaxClaimBatch { get; init; } = 1024;

    /// <summary>Hysteresis: once the ring refused a claim, reading resumes when occupancy is at or below this fraction of capacity.</summary>
    public double ResumeOccupancy { get; init; } = 0.5;

    /// <summary>Clock for every timeout and timer (inject a fake one in tests).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    internal void Validate()
    {
        if (Endpoint is null)
        {
            SocketsThrowHelper.ThrowOption("TcpSourceOptions.Endpoint", null, "is required.");
        }

        if (Backlog < 1)
        {
            SocketsThrowHelper.ThrowOption("TcpSourceOptions.Backlog", Backlog, "must be ≥ 1.");
        }

        if (AuthToken.Length > WireFormat.MaxAuthTokenLength)
        {
            SocketsThrowHelper.ThrowOption("TcpSourceOptions.AuthToken", AuthToken.Length, "must be at most 256 bytes.");
        }

        if (MaxFrameSize < WireFormat.HelloFixedSize + WireFormat.MaxAuthTokenLength)
        {
            SocketsThrowHelper.ThrowOption("TcpSourceOptions.MaxFrameSize", MaxFrameSize, "must be ≥ 280 bytes (the largest hello).");
        }

        if (MaxDecompressedSize < MaxFrameSize)
        {
            SocketsThrowHelper.ThrowOption("TcpSourceOptions.MaxDecompressedSize", MaxDecompressedSize, "must be ≥ MaxFrameSize.");
        }

        if (MaxConnections < 1)
        {
            SocketsThrowHelper.ThrowOption("TcpSourceOptions.MaxConnections", MaxConnections, "must be ≥ 1.");
        }

        if (MaxSessions < MaxConnections)
        {
            SocketsThrowHelper.ThrowOption("TcpSourceOptions.MaxSessions", MaxSessions, "must be ≥ MaxConnections.");
        }

        Positive("TcpSourceOptions.HandshakeTimeout", HandshakeTimeout);
        Positive("TcpSourceOptions.FrameTimeout", FrameTimeout);
        Positive("TcpSourceOptions.IdleTimeout", IdleTimeout);
        Positive("TcpSourceOptions.WatchdogPeriod", WatchdogPeriod);
        Positive("TcpSourceOptions.AckInterval", AckInterval);
        Positive("TcpSourceOptions.BackpressurePollInterval", BackpressurePollInterval);

        if (ReceiveBufferSize < 1024)
        {
            SocketsThrowHelper.ThrowOption("TcpSourceOptions.ReceiveBufferSize", ReceiveBufferSize, "must be ≥ 1024 bytes.");
        }

        if (MaxClaimBatch < 1)
        {
            SocketsThrowHelper.ThrowOption("TcpSourceOptions.MaxClaimBatch", MaxClaimBatch, "must be ≥ 1.");
        }

        if (!(ResumeOccupancy > 0 && ResumeOccupancy < 1))
        {
            SocketsThrowHelper.ThrowOption("TcpSourceOptions.ResumeOccupancy", ResumeOccupancy, "must be in (0, 1).");
        }

        if (TimeProvider is null)
        {
            SocketsThrowHelper.ThrowOption("TcpSourceOptions.TimeProvider", null, "is required.");
        }
    }

    private static void Positive(string option, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            SocketsThrowHelper.ThrowOption(option, value, "must be positive.");
        }
    }
}

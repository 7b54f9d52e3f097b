using System.Net.Security;
using LowLatency.Engine.Pipelines;

namespace LowLatency.Adapters.Sockets;

/// <summary>Options of a <see cref="TcpPublisher{T, TCodec}"/>; invalid values fail when the publisher is built, naming the option.</summary>
public sealed record TcpPublisherOptions
{
    /// <summary>Defaults: a random session id, 1024-event batches, no compression, 65 536 unacked events kept for resend.</summary>
    public static TcpPublisherOptions Default { get; } = new();

    /// <summary>Session id the source deduplicates by; 0 draws a random one when the publisher is built (kept across its reconnects).</summary>
    public ulong SessionId { get; init; }

    /// <summary>Schema id of the event layout; must match the source's <see cref="TcpSourceOptions.SchemaId"/>.</summary>
    public uint SchemaId { get; init; }

    /// <summary>Token sent in the hello (at most 256 bytes).</summary>
    public ReadOnlyMemory<byte> AuthToken { get; init; }

    /// <summary>TLS client options; null connects in plain TCP.</summary>
    public SslClientAuthenticationOptions? Tls { get; init; }

    /// <summary>Most events in one batch frame (the sender batches whatever is pending, up to this).</summary>
    public int MaxBatchEvents { get; init; } = 1024;

    /// <summary>Batch compression.</summary>
    public FrameCompression Compression { get; init; } = FrameCompression.None;

    /// <summary>Events kept until acked, for resend after a reconnect (a power of two); <see cref="TcpPublisher{T, TCodec}.Publish"/> blocks when that many are unacked.</summary>
    public int MaxUnackedEvents { get; init; } = 1 << 16;

    /// <summary>
    /// How the sender thread waits for events. <see cref="WaitStrategyKind.Blocking"/> (default) parks it and
    /// costs each publication a fence; <see cref="WaitStrategyKind.Hybrid"/> spins ~20 µs first (lower latency
    /// for bursts); <see cref="WaitStrategyKind.Yielding"/> never parks (no fence on publish, a core kept busy).
    /// </summary>
    public WaitStrategyKind SenderWaitStrategy { get; init; } = WaitStrategyKind.Blocking;

    /// <summary>Bytes gathered per socket write (several frames).</summary>
    public int SendBufferSize { get; init; } = 256 * 1024;

    /// <summary>Largest frame the server may send back (acks, welcome, close are tiny).</summary>
    public int MaxReceiveFrameSize { get; init; } = 4096;

    /// <summary>Time to connect, per attempt.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Time for the TLS handshake and the welcome, per attempt.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>First delay before reconnecting; doubles per failed attempt up to <see cref="MaxReconnectDelay"/>.</summary>
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Longest delay between reconnect attempts.</summary>
    public TimeSpan MaxReconnectDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A heartbeat goes out after this long without sending, so the source's idle timeout does not fire on a quiet publisher.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(10);

    internal void Validate<T, TCodec>(TCodec codec)
        where T : struct
        where TCodec : struct, IEventCodec<T>
    {
        int eventSize = codec.EventSize;
        if (eventSize < 1 || eventSize > WireFormat.MaxEventSize)
        {
            SocketsThrowHelper.ThrowOption("IEventCodec.EventSize", eventSize, "must be between 1 and 65535.");
        }

        if (AuthToken.Length > WireFormat.MaxAuthTokenLength)
        {
            SocketsThrowHelper.ThrowOption("TcpPublisherOptions.AuthToken", AuthToken.Length, "must be at most 256 bytes.");
        }

        if (MaxBatchEvents < 1)
        {
            SocketsThrowHelper.ThrowOption("TcpPublisherOptions.MaxBatchEvents", MaxBatchEvents, "must be ≥ 1.");
        }

        if (!Enum.IsDefined(Compression))
        {
            SocketsThrowHelper.ThrowOption("TcpPublisherOptions.Compression", Compression, "is not a known compression.");
        }

        if (!Enum.IsDefined(SenderWaitStrategy))
        {
            SocketsThrowHelper.ThrowOption("TcpPublisherOptions.SenderWaitStrategy", SenderWaitStrategy, "is not a known wait strategy.");
        }

        if (MaxUnackedEvents < 2 || !int.IsPow2(MaxUnackedEvents) || (long)MaxUnackedEvents * eventSize > int.MaxValue)
        {
            SocketsThrowHelper.ThrowOption("TcpPublisherOptions.MaxUnackedEvents", MaxUnackedEvents, "must be a power of two ≥ 2 whose events fit in 2 GiB.");
        }

        long largestPayload = WireFormat.BatchOverhead + ((long)MaxBatchEvents * eventSize);
        if (largestPayload > 1 << 30)
        {
            SocketsThrowHelper.ThrowOption("TcpPublisherOptions.MaxBatchEvents", MaxBatchEvents, "a full batch must be at most 1 GiB.");
        }

        // LZ4's worst case is a little larger than its input, so this also covers an uncompressed frame.
        long largestFrame = WireFormat.HeaderSize + (long)K4os.Compression.LZ4.LZ4Codec.MaximumOutputSize((int)largestPayload);
        if (SendBufferSize < largestFrame)
        {
            SocketsThrowHelper.ThrowOption("TcpPublisherOptions.SendBufferSize", SendBufferSize, $"must hold one full batch frame in the LZ4 worst case ({largestFrame} bytes).");
        }

        if (MaxReceiveFrameSize < WireFormat.WelcomeSize)
        {
            SocketsThrowHelper.ThrowOption("TcpPublisherOptions.MaxReceiveFrameSize", MaxReceiveFrameSize, "must be ≥ 24.");
        }

        Positive("TcpPublisherOptions.ConnectTimeout", ConnectTimeout);
        Positive("TcpPublisherOptions.HandshakeTimeout", HandshakeTimeout);
        Positive("TcpPublisherOptions.ReconnectDelay", ReconnectDelay);
        Positive("TcpPublisherOptions.HeartbeatInterval", HeartbeatInterval);
        if (MaxReconnectDelay < ReconnectDelay)
        {
            SocketsThrowHelper.ThrowOption("TcpPublisherOptions.MaxReconnectDelay", MaxReconnectDelay, "must be ≥ ReconnectDelay.");
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

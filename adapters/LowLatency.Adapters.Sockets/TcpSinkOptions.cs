using System.Net;
using System.Net.Security;

namespace LowLatency.Adapters.Sockets;

/// <summary>Options of a <see cref="TcpSink{T, TCodec}"/>; invalid values fail when the sink is built, naming the option.</summary>
public sealed record TcpSinkOptions
{
    /// <summary>Defaults: loopback, any free port, 64 subscribers, 4 MiB buffered per subscriber, disconnect when slow.</summary>
    public static TcpSinkOptions Default { get; } = new();

    /// <summary>Where to listen. Loopback unless told otherwise; port 0 picks a free port.</summary>
    public IPEndPoint Endpoint { get; init; } = new(IPAddress.Loopback, 0);

    /// <summary>Schema id a subscriber's hello must carry.</summary>
    public uint SchemaId { get; init; }

    /// <summary>Token a subscriber's hello must carry, compared in constant time; empty accepts any client.</summary>
    public ReadOnlyMemory<byte> AuthToken { get; init; }

    /// <summary>TLS server options; null serves plain TCP.</summary>
    public SslServerAuthenticationOptions? Tls { get; init; }

    /// <summary>Concurrent subscribers; the next one is refused with <see cref="DisconnectReason.ConnectionLimit"/>.</summary>
    public int MaxSubscribers { get; init; } = 64;

    /// <summary>Bytes queued for one subscriber and not yet written to its socket before <see cref="SlowSubscriberPolicy"/> applies.</summary>
    public int MaxBufferedBytes { get; init; } = 4 << 20;

    /// <summary>What to do with a subscriber that falls further behind than <see cref="MaxBufferedBytes"/>.</summary>
    public SlowSubscriberPolicy SlowSubscriberPolicy { get; init; } = SlowSubscriberPolicy.Disconnect;

    /// <summary>Most events per batch frame (a frame also ends at the end of each pipeline batch).</summary>
    public int MaxBatchEvents { get; init; } = 1024;

    /// <summary>Time from accept to a valid hello (TLS included).</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Clock for the handshake deadline.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    internal void Validate(int eventSize)
    {
        if (Endpoint is null)
        {
            SocketsThrowHelper.ThrowOption("TcpSinkOptions.Endpoint", null, "is required.");
        }

        if (AuthToken.Length > WireFormat.MaxAuthTokenLength)
        {
            SocketsThrowHelper.ThrowOption("TcpSinkOptions.AuthToken", AuthToken.Length, "must be at most 256 bytes.");
        }

        if (MaxSubscribers < 1)
        {
            SocketsThrowHelper.ThrowOption("TcpSinkOptions.MaxSubscribers", MaxSubscribers, "must be ≥ 1.");
        }

        if (!Enum.IsDefined(SlowSubscriberPolicy))
        {
            SocketsThrowHelper.ThrowOption("TcpSinkOptions.SlowSubscriberPolicy", SlowSubscriberPolicy, "is not a known policy.");
        }

        if (MaxBatchEvents < 1 || (long)MaxBatchEvents * eventSize > 1 << 30)
        {
            SocketsThrowHelper.ThrowOption("TcpSinkOptions.MaxBatchEvents", MaxBatchEvents, "must be ≥ 1 and a full batch at most 1 GiB.");
        }

        long largestFrame = WireFormat.HeaderSize + WireFormat.BatchOverhead + ((long)MaxBatchEvents * eventSize);
        if (MaxBufferedBytes < largestFrame)
        {
            SocketsThrowHelper.ThrowOption("TcpSinkOptions.MaxBufferedBytes", MaxBufferedBytes, $"must hold one full batch frame ({largestFrame} bytes).");
        }

        if (HandshakeTimeout <= TimeSpan.Zero)
        {
            SocketsThrowHelper.ThrowOption("TcpSinkOptions.HandshakeTimeout", HandshakeTimeout, "must be positive.");
        }

        if (TimeProvider is null)
        {
            SocketsThrowHelper.ThrowOption("TcpSinkOptions.TimeProvider", null, "is required.");
        }
    }
}

using System.Net;

namespace LowLatency.Adapters.WebSockets;

/// <summary>Where and how <see cref="WebSocketServer"/> listens.</summary>
public sealed record WebSocketServerOptions
{
    /// <summary>The defaults: loopback, a free port, <c>/ws</c>, dashboard at <c>/</c>.</summary>
    public static WebSocketServerOptions Default { get; } = new();

    /// <summary>Where to listen; loopback by default. Listening on every interface is an explicit choice (<see cref="IPAddress.Any"/>).</summary>
    public IPEndPoint Endpoint { get; init; } = new(IPAddress.Loopback, 0);

    /// <summary>The WebSocket route.</summary>
    public string Path { get; init; } = "/ws";

    /// <summary>Serve the dashboard page at <c>/</c>.</summary>
    public bool Dashboard { get; init; } = true;

    /// <summary>Time for a new TCP connection to send its complete upgrade request; Kestrel drops it after that (counted as <see cref="CloseReason.HandshakeTimeout"/>).</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(5);
}

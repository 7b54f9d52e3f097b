using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LowLatency.Adapters.WebSockets;

/// <summary>A hub on its own Kestrel server: the WebSocket at <see cref="WebSocketServerOptions.Path"/> and, optionally, the dashboard at <c>/</c>.</summary>
/// <remarks>Disposing closes every client (1001), stops Kestrel, then stops the hub.</remarks>
public sealed class WebSocketServer : IAsyncDisposable
{
    private static readonly object s_requestSeen = new();

    private readonly WebApplication _app;

    private WebSocketServer(WebApplication app, WebSocketHub hub, IPEndPoint endpoint)
    {
        _app = app;
        Hub = hub;
        LocalEndPoint = endpoint;
    }

    /// <summary>The hub served.</summary>
    public WebSocketHub Hub { get; }

    /// <summary>The bound address and port (the real port when 0 was asked for).</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Starts Kestrel serving <paramref name="hub"/> (started here if it is not yet).</summary>
    public static async Task<WebSocketServer> StartAsync(WebSocketHub hub, WebSocketServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hub);
        options ??= WebSocketServerOptions.Default;
        if (options.HandshakeTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(WebSocketServerOptions.HandshakeTimeout)} must be positive.");
        }

        if (!hub.IsRunning)
        {
            hub.Start();
        }

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();

        // The hub's loops never block: their continuations run on the socket thread that completed the I/O instead of
        // a hop through the thread pool per send and receive.
        builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = true);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.RequestHeadersTimeout = options.HandshakeTimeout;
            kestrel.Limits.MaxRequestHeadersTotalSize = 16 * 1024;

            // A send completes when Kestrel has handed the frame to the socket, not when it sits in Kestrel's output
            // buffer: with one frame in flight per connection, a slow client's backlog waits in the hub's table.
            kestrel.Limits.MaxResponseBufferSize = 0;
            kestrel.Listen(options.Endpoint, listen => listen.Use(next => context => CountHandshakeTimeoutsAsync(next, context, hub)));
        });

        WebApplication app = builder.Build();
        app.Use(async (context, next) =>
        {
            context.Features.Get<IConnectionItemsFeature>()?.Items.TryAdd(s_requestSeen, s_requestSeen);
            await next(context).ConfigureAwait(false);
        });
        app.MapLiveUpdates(options.Path, hub);
        if (options.Dashboard)
        {
            app.MapLiveDashboard();
        }

        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var bound = new IPEndPoint(options.Endpoint.Address, new Uri(address).Port);
        return new WebSocketServer(app, hub, bound);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await Hub.DisposeAsync().ConfigureAwait(false);
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>A connection that ends without a single complete request ran out of the handshake timeout (or was a bare TCP probe).</summary>
    private static async Task CountHandshakeTimeoutsAsync(ConnectionDelegate next, ConnectionContext context, WebSocketHub hub)
    {
        await next(context).ConfigureAwait(false);
        if (!context.Items.ContainsKey(s_requestSeen))
        {
            hub.Count(CloseReason.HandshakeTimeout);
        }
    }
}

using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using LowLatency.Adapters.WebSockets;

namespace LowLatency.Adapters.Tests.WebSockets;

/// <summary>A hub on its own Kestrel (loopback, port 0) with a "bars" topic (busiest 4 by default) and a "metrics" topic (every key by default).</summary>
internal sealed class LiveTestServer : IAsyncDisposable
{
    private LiveTestServer(WebSocketServer server, LiveTopic bars, LiveTopic metrics, LivePublisher publisher)
    {
        Server = server;
        Bars = bars;
        Metrics = metrics;
        Publisher = publisher;
    }

    public static readonly string[] BarFields = ["open", "high", "low", "close", "vwap", "volume"];

    public WebSocketServer Server { get; }

    public WebSocketHub Hub => Server.Hub;

    public LiveTopic Bars { get; }

    public LiveTopic Metrics { get; }

    /// <summary>Used by the test thread only.</summary>
    public LivePublisher Publisher { get; }

    public Uri WebSocketUri => new($"ws://127.0.0.1:{Server.LocalEndPoint.Port}/ws");

    public IPEndPoint EndPoint => Server.LocalEndPoint;

    public static async Task<LiveTestServer> StartAsync(WebSocketHubOptions? options = null, WebSocketServerOptions? serverOptions = null)
    {
        var hub = new WebSocketHub(options ?? WebSocketHubOptions.Default);
        LiveTopic bars = hub.AddTopic("bars", BarFields, DefaultFeed.BusiestKeys, busiestKeys: 4);
        LiveTopic metrics = hub.AddTopic("metrics", ["events_per_second", "lag"], DefaultFeed.AllKeys);
        hub.Start();
        WebSocketServer server = await WebSocketServer.StartAsync(hub, serverOptions);
        return new LiveTestServer(server, bars, metrics, hub.CreatePublisher("test"));
    }

    public async Task<ClientWebSocket> ConnectAsync(string query = "", Action<ClientWebSocketOptions>? configure = null)
    {
        var client = new ClientWebSocket();
        configure?.Invoke(client.Options);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await client.ConnectAsync(new Uri(WebSocketUri + query), timeout.Token);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        Publisher.Dispose();
        await Server.DisposeAsync();
    }
}

/// <summary>Reading whole messages with a bound.</summary>
internal static class ClientMessages
{
    public static async Task<(WebSocketMessageType Type, byte[] Payload)> ReceiveAsync(this ClientWebSocket client, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        ValueWebSocketReceiveResult result;
        do
        {
            try
            {
                result = await client.ReceiveAsync(buffer.AsMemory(), cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No complete message within {timeout.TotalSeconds} s.");
            }

            message.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);
        return (result.MessageType, message.ToArray());
    }

    public static async Task<JsonElement> ReceiveJsonAsync(this ClientWebSocket client, TimeSpan timeout)
    {
        (WebSocketMessageType type, byte[] payload) = await client.ReceiveAsync(timeout);
        if (type != WebSocketMessageType.Text)
        {
            throw new InvalidOperationException($"Expected a text message, got {type}" + (type == WebSocketMessageType.Close ? $" {client.CloseStatus} '{client.CloseStatusDescription}'" : ""));
        }

        return JsonDocument.Parse(payload).RootElement.Clone();
    }

    /// <summary>Receives until the server's close frame; returns its status and reason.</summary>
    public static async Task<(WebSocketCloseStatus? Status, string? Reason)> ReceiveCloseAsync(this ClientWebSocket client, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            TimeSpan left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"No close frame within {timeout.TotalSeconds} s.");
            }

            (WebSocketMessageType type, _) = await client.ReceiveAsync(left);
            if (type == WebSocketMessageType.Close)
            {
                return (client.CloseStatus, client.CloseStatusDescription);
            }
        }
    }

    public static Task SendTextAsync(this ClientWebSocket client, string text) =>
        client.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
}

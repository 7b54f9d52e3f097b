using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using LowLatency.Lab.Measurement;

namespace LowLatency.Lab.Bench.WebSockets;

/// <summary>
/// The anchor: the same fan-out the way an ASP.NET Core user would write it, an <c>IHubContext</c> sending each
/// update to <c>Clients.All</c> (JSON protocol, WebSockets transport) and N <c>HubConnection</c> clients on loopback.
/// </summary>
internal sealed class SignalRFanOut : IFanOutFixture
{
    private readonly WebApplication _app;
    private readonly IHubContext<BarsHub> _hub;
    private readonly List<HubConnection> _clients = [];
    private readonly double[] _values = [100, 101, 99, 100.5, 100.2, 1000];

    private SignalRFanOut(WebApplication app)
    {
        _app = app;
        _hub = app.Services.GetRequiredService<IHubContext<BarsHub>>();
    }

    public FanOutLatency Latency { get; } = new();

    public long Delivered => Latency.Delivered;

    public long Conflated => 0;

    public (double HeapBytes, double RssBytes) MemoryPerClient { get; private set; }

    public static async Task<SignalRFanOut> StartAsync(int clients)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        // The same kernel send buffer per client socket as the hub's default (WebSocketHubOptions.SendBufferBytes).
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.Use(next => context =>
        {
            if (context.Features.Get<IConnectionSocketFeature>()?.Socket is { } socket)
            {
                socket.SendBufferSize = 64 * 1024;
            }

            return next(context);
        })));
        builder.Services.AddSignalR();
        WebApplication app = builder.Build();
        app.UseWebSockets();
        app.MapHub<BarsHub>("/bars");
        await app.StartAsync();
        var fixture = new SignalRFanOut(app);
        await fixture.ConnectAsync(clients);
        return fixture;
    }

    public async ValueTask PublishRoundAsync(int keys)
    {
        for (int key = 0; key < keys; key++)
        {
            await _hub.Clients.All.SendAsync("bar", (long)key, Stopwatch.GetTimestamp(), _values);
        }
    }

    private async Task ConnectAsync(int clients)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long heap = GC.GetTotalMemory(forceFullCollection: true);
        long rss = new ProcessSampler().ResidentBytes();
        string url = _app.Urls.First() + "/bars";
        for (int i = 0; i < clients; i += 50)
        {
            int batch = Math.Min(50, clients - i);
            HubConnection[] connected = await Task.WhenAll(Enumerable.Range(0, batch).Select(async _ =>
            {
                HubConnection connection = new HubConnectionBuilder()
                    .WithUrl(url, HttpTransportType.WebSockets, o =>
                    {
                        o.SkipNegotiation = true;
                        o.HttpMessageHandlerFactory = _ => LoopbackSockets.Handler();
                    })
                    .Build();
                connection.On<long, long, double[]>("bar", (_, time, _) => Latency.OnReceived(time, Stopwatch.GetTimestamp()));
                await connection.StartAsync();
                return connection;
            }));
            _clients.AddRange(connected);
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        MemoryPerClient = ((GC.GetTotalMemory(forceFullCollection: true) - heap) / (double)clients, (new ProcessSampler().ResidentBytes() - rss) / (double)clients);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (HubConnection client in _clients)
        {
            await client.DisposeAsync();
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

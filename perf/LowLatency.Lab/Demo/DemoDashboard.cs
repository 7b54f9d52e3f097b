using System.Net;
using LowLatency.Adapters.WebSockets;
using LowLatency.Engine.Diagnostics;
using LowLatency.Engine.Processing;
using LowLatency.Lab.Demo.Windows;

namespace LowLatency.Lab.Demo;

/// <summary>
/// <c>demo --dashboard</c>: the demo's 1 s bars (topic <c>bars</c>, the 4 busiest symbols by default) and its
/// pipeline and stage figures (topics <c>pipeline</c>, <c>stages</c>, every second) on a WebSocket hub, with the
/// dashboard page at <c>/</c> and the WebSocket at <c>/ws</c>, for as long as the run lasts.
/// </summary>
internal sealed class DemoDashboard : IBarListener, IAsyncDisposable
{
    public static readonly string[] BarFields = ["open", "high", "low", "close", "vwap", "volume", "count"];

    private readonly WebSocketServer _server;
    private readonly LiveMetricsFeed _metrics;
    private readonly LiveTopic _bars;
    private LivePublisher? _publisher;

    private DemoDashboard(WebSocketServer server, LiveMetricsFeed metrics, LiveTopic bars)
    {
        _server = server;
        _metrics = metrics;
        _bars = bars;
    }

    public IPEndPoint EndPoint => _server.LocalEndPoint;

    public WebSocketHub Hub => _server.Hub;

    /// <summary>Starts serving before the pipeline starts (metrics attached, stages added).</summary>
    public static DemoDashboard Start(IPEndPoint endpoint, PipelineMetrics metrics, IReadOnlyList<EventProcessor> stages)
    {
        var hub = new WebSocketHub(WebSocketHubOptions.Default with { Name = "demo" });
        LiveTopic bars = hub.AddTopic("bars", BarFields, DefaultFeed.BusiestKeys, busiestKeys: 4, busiestBy: "count");
        LiveMetricsFeed feed = LiveMetricsFeed.AddTo(hub, metrics, [.. stages.Select(s => s.Name)]);
        hub.Start();
        WebSocketServer server = WebSocketServer.StartAsync(hub, WebSocketServerOptions.Default with { Endpoint = endpoint }).GetAwaiter().GetResult();
        feed.Start(TimeSpan.FromSeconds(1));
        return new DemoDashboard(server, feed, bars);
    }

    /// <summary>Window stage thread: one allocation-free publish per bar.</summary>
    public void OnBar(int symbol, long start, long end, in BarAccumulator bar)
    {
        _publisher ??= Hub.CreatePublisher("bars");
        Span<double> values =
        [
            bar.Ohlc.Open, bar.Ohlc.High, bar.Ohlc.Low, bar.Ohlc.Close, bar.Vwap.Vwap, bar.Vwap.Volume, bar.Ohlc.Count,
        ];
        _publisher.Publish(_bars, symbol, start, values);
    }

    public async ValueTask DisposeAsync()
    {
        await _metrics.DisposeAsync();
        await _server.DisposeAsync();
        _publisher?.Dispose();
    }
}

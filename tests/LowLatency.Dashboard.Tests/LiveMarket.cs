using System.Net;
using LowLatency.Adapters.WebSockets;
using LowLatency.Engine;
using LowLatency.Engine.Diagnostics;
using LowLatency.Engine.Pipelines;
using LowLatency.Engine.Processing;

namespace LowLatency.Dashboard.Tests;

/// <summary>
/// What the dashboard shows, for real: a two-stage engine pipeline fed at a modest rate with metrics attached (so
/// the <c>pipeline</c>/<c>stages</c> topics carry live figures) and a bar per symbol every 100 ms (one new 1 s window
/// every 250 ms, so the chart moves quickly), on a hub served by its own Kestrel.
/// </summary>
internal sealed class LiveMarket : IAsyncDisposable
{
    private readonly Pipeline<long> _pipeline;
    private readonly PipelineMetrics _metrics;
    private readonly LiveMetricsFeed _feed;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _ticks;
    private readonly Task _bars;

    private LiveMarket(Pipeline<long> pipeline, PipelineMetrics metrics, LiveMetricsFeed feed, WebSocketServer server, LiveTopic bars)
    {
        _pipeline = pipeline;
        _metrics = metrics;
        _feed = feed;
        Server = server;
        _ticks = Task.Run(PublishTicksAsync);
        _bars = Task.Run(() => PublishBarsAsync(bars));
    }

    public WebSocketServer Server { get; }

    public static async Task<LiveMarket> StartAsync(IPEndPoint endpoint)
    {
        var pipeline = Pipeline<long>.Create(PipelineOptions.Default with { Name = "browser", Capacity = 1024, WaitStrategy = WaitStrategyKind.Blocking });
        pipeline.HandleEventsWith(new Touch(), StageOptions.Default with { Name = "parse" }).Then(new Touch(), StageOptions.Default with { Name = "sink" });
        PipelineMetrics metrics = PipelineMetrics.Attach(pipeline, PipelineMetricsOptions.Default with { LatencySampleInterval = 16 });
        var hub = new WebSocketHub();
        LiveTopic bars = hub.AddTopic("bars", ["open", "high", "low", "close", "vwap", "volume"], DefaultFeed.BusiestKeys, busiestKeys: 4);
        LiveMetricsFeed feed = LiveMetricsFeed.AddTo(hub, metrics, [.. pipeline.Stages.Select(s => s.Name)]);
        pipeline.Start();
        hub.Start();
        WebSocketServer server = await WebSocketServer.StartAsync(hub, WebSocketServerOptions.Default with { Endpoint = endpoint });
        feed.Start(TimeSpan.FromMilliseconds(250));
        return new LiveMarket(pipeline, metrics, feed, server, bars);
    }

    private async Task PublishTicksAsync()
    {
        RingBuffer<long> ring = _pipeline.RingBuffer;
        long i = 0;
        while (!_stop.IsCancellationRequested)
        {
            for (int n = 0; n < 500; n++)
            {
                ring.Publish(i++);
            }

            await Task.Delay(Random.Shared.Next(1, 4));
        }
    }

    private async Task PublishBarsAsync(LiveTopic topic)
    {
        using LivePublisher publisher = Server.Hub.CreatePublisher("bars");
        const long second = 1_000_000_000;
        long window = (DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60) * second;
        double[] price = [100, 250, 42, 980];
        var random = new Random(7);
        var bar = new double[4][];
        int step = 0;
        while (!_stop.IsCancellationRequested)
        {
            for (int symbol = 0; symbol < price.Length; symbol++)
            {
                // Several ticks per step; symbol 0 trades most, so it is one of the busiest.
                double scale = price[symbol] * 0.002;
                double open = bar[symbol]?[0] ?? price[symbol];
                double high = bar[symbol]?[1] ?? price[symbol];
                double low = bar[symbol]?[2] ?? price[symbol];
                for (int t = 0; t < 4 - symbol; t++)
                {
                    price[symbol] += (random.NextDouble() - 0.5) * scale;
                    high = Math.Max(high, price[symbol]);
                    low = Math.Min(low, price[symbol]);
                }

                bar[symbol] = [open, high, low, price[symbol]];
                double vwap = (open + high + low + price[symbol]) / 4;
                publisher.Publish(topic, symbol, window, [open, high, low, price[symbol], vwap, 100 * (step + 1)]);
            }

            step++;
            if (step % 3 == 0)
            {
                window += second; // next 1 s window
                Array.Clear(bar);
            }

            await Task.Delay(80);
        }

    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        await _stop.CancelAsync();
        await Task.WhenAll(_ticks, _bars);
        await _feed.DisposeAsync();
        await Server.DisposeAsync();
        await _pipeline.DrainAsync();
        await _pipeline.DisposeAsync();
        _metrics.Dispose();
    }

    private struct Touch : IEventHandler<long>
    {
        private long _sum;

        public void OnEvent(ref long data, long sequence, bool endOfBatch) => _sum += data;
    }
}

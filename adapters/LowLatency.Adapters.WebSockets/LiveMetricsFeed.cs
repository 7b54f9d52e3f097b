using System.Diagnostics;
using LowLatency.Engine.Diagnostics;

namespace LowLatency.Adapters.WebSockets;

/// <summary>
/// Publishes a pipeline's health to a hub every interval: topic <c>pipeline</c> (key 0: events/s, published,
/// occupancy, dropped, late, back-pressured ms) and topic <c>stages</c> (key = stage index, named in the hello:
/// processed, events/s, lag, latency p50/p99/p99.9/max in ns since metrics were attached, dead-lettered). Both are in
/// the default feed. The dashboard page reads these two topics.
/// </summary>
/// <remarks>Captures into one reused <see cref="PipelineSnapshot"/> on its own timer task; allocates nothing per tick.</remarks>
public sealed class LiveMetricsFeed : IAsyncDisposable
{
    /// <summary>Fields of the <c>pipeline</c> topic.</summary>
    public static readonly IReadOnlyList<string> PipelineFields = ["events_per_second", "published", "occupancy", "dropped", "late", "backpressured_ms"];

    /// <summary>Fields of the <c>stages</c> topic.</summary>
    public static readonly IReadOnlyList<string> StageFields = ["processed", "events_per_second", "lag", "p50_ns", "p99_ns", "p999_ns", "max_ns", "dead_lettered"];

    private readonly WebSocketHub _hub;
    private readonly PipelineMetrics _metrics;
    private readonly LiveTopic _pipelineTopic;
    private readonly LiveTopic _stagesTopic;
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    private LiveMetricsFeed(WebSocketHub hub, PipelineMetrics metrics, LiveTopic pipelineTopic, LiveTopic stagesTopic)
    {
        _hub = hub;
        _metrics = metrics;
        _pipelineTopic = pipelineTopic;
        _stagesTopic = stagesTopic;
    }

    /// <summary>Registers the <c>pipeline</c> and <c>stages</c> topics for <paramref name="metrics"/> (before the hub starts).</summary>
    /// <param name="hub">The hub, not yet started.</param>
    /// <param name="metrics">The pipeline's metrics (<see cref="PipelineMetrics.Attach"/>).</param>
    /// <param name="stageNames">The stage names, in <c>Pipeline.Stages</c> order.</param>
    public static LiveMetricsFeed AddTo(WebSocketHub hub, PipelineMetrics metrics, IReadOnlyList<string> stageNames)
    {
        ArgumentNullException.ThrowIfNull(hub);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(stageNames);
        var names = new Dictionary<long, string>();
        for (int i = 0; i < stageNames.Count; i++)
        {
            names[i] = stageNames[i];
        }

        LiveTopic pipeline = hub.AddTopic("pipeline", PipelineFields, DefaultFeed.AllKeys);
        LiveTopic stages = hub.AddTopic("stages", StageFields, DefaultFeed.AllKeys, keyNames: names);
        return new LiveMetricsFeed(hub, metrics, pipeline, stages);
    }

    /// <summary>Starts publishing every <paramref name="interval"/> (the hub must be started).</summary>
    public void Start(TimeSpan interval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        if (_loop is not null)
        {
            throw new InvalidOperationException("The feed is already started.");
        }

        LivePublisher publisher = _hub.CreatePublisher("metrics");
        _loop = Task.Run(() => RunAsync(publisher, interval));
    }

    private async Task RunAsync(LivePublisher publisher, TimeSpan interval)
    {
        using (publisher)
        using (var timer = new PeriodicTimer(interval))
        {
            PipelineSnapshot snapshot = _metrics.CreateSnapshot();
            int stages = snapshot.Stages.Length;
            long[] previousProcessed = new long[stages];
            long previousTime = Stopwatch.GetTimestamp();
            try
            {
                while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
                {
                    Publish(publisher, snapshot, previousProcessed, ref previousTime);
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
            }
        }
    }

    private void Publish(LivePublisher publisher, PipelineSnapshot snapshot, long[] previousProcessed, ref long previousTime)
    {
        _metrics.Capture(snapshot);
        long now = Stopwatch.GetTimestamp();
        double seconds = Math.Max(1e-9, (now - previousTime) / (double)Stopwatch.Frequency);
        previousTime = now;
        long time = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
        Span<double> values = stackalloc double[LiveValues.Capacity];
        ReadOnlySpan<StageSnapshot> stages = snapshot.Stages;
        double lastRate = 0;
        for (int i = 0; i < stages.Length; i++)
        {
            StageSnapshot stage = stages[i];
            double rate = (stage.Processed - previousProcessed[i]) / seconds;
            previousProcessed[i] = stage.Processed;
            lastRate = rate;
            values[0] = stage.Processed;
            values[1] = rate;
            values[2] = stage.Lag;
            values[3] = stage.Latency.P50Nanoseconds;
            values[4] = stage.Latency.P99Nanoseconds;
            values[5] = stage.Latency.P999Nanoseconds;
            values[6] = stage.Latency.MaxNanoseconds;
            values[7] = stage.DeadLettered;
            publisher.Publish(_stagesTopic, i, time, values[..StageFields.Count]);
        }

        long late = 0;
        foreach (PipelineMetrics.LateCounter counter in _metrics.LateCounters)
        {
            late += counter.Read();
        }

        values[0] = lastRate; // the last stage's rate: events through the whole pipeline per second
        values[1] = snapshot.Published;
        values[2] = snapshot.Occupancy;
        values[3] = snapshot.TotalDropped;
        values[4] = late;
        values[5] = snapshot.BackPressuredTime.TotalMilliseconds;
        publisher.Publish(_pipelineTopic, 0, time, values[..PipelineFields.Count]);
    }

    /// <summary>Stops publishing.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        _stop.Dispose();
    }
}

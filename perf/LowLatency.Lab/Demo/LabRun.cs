using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using HdrHistogram;
using LowLatency.Adapters.Sockets;
using LowLatency.Engine.Diagnostics;
using LowLatency.Engine.Pipelines;
using LowLatency.Engine.Processing;
using LowLatency.Lab.Feed;
using LowLatency.Lab.Journal;
using LowLatency.Lab.Latency;
using LowLatency.Lab.Measurement;
using LowLatency.Lab.Reporting;
using LowLatency.Lab.Tcp;
using LowLatency.Lab.Verification;

namespace LowLatency.Lab.Demo;

/// <summary>
/// Runs a topology under the open-loop feed: warm-up, steady state, drain, verify. The calling thread
/// is the monitor: it wakes once per interval, samples latency, throughput, lag and (for the soak) the
/// process, and hands each sample to the observer. Shared by <c>demo</c>, <c>latency</c> and <c>soak</c>.
/// </summary>
internal static class LabRun
{
    /// <summary>The risk stage's band around the last VWAP (±2 %) and its notional limit.</summary>
    private const double PriceBand = 0.02;
    private const double NotionalLimit = 1_000_000;

    /// <param name="spec">What to run.</param>
    /// <param name="observer">Called on the monitor thread after each interval.</param>
    /// <param name="onListening">With <see cref="RunSpec.Listen"/>: called with the bound endpoint once the TCP source listens.</param>
    /// <param name="onDashboard">With <see cref="RunSpec.Dashboard"/>: called with the bound endpoint once the dashboard serves.</param>
    /// <param name="cancel">Ends the run early (drain, verify and report still happen).</param>
    public static RunResult Execute(RunSpec spec, Action<IntervalSample>? observer = null, Action<IPEndPoint>? onListening = null, Action<IPEndPoint>? onDashboard = null, CancellationToken cancel = default)
    {
        spec.Validate();
        FeedSettings feedSettings = spec.Feed;
        var counters = new DemoCounters();
        var latency = new LatencyRecorder();
        var verifier = new StreamVerifier(sources: feedSettings.Source + 1, keys: feedSettings.Symbols);
        var windows = new WindowStage(counters, feedSettings.Symbols, feedSettings.OutOfOrderBound);
        var feed = spec.Listen is null ? new FeedPublisher(feedSettings) : null;
        var ingress = spec.Listen is null ? null : new IngressLedger(feedSettings.Symbols);
        ITickSource ticks = (ITickSource?)feed ?? ingress!;

        Pipeline<DemoTick> pipeline = Pipeline<DemoTick>.Create(PipelineOptions.Default with
        {
            Name = spec.Topology.ToString().ToLowerInvariant(),
            Capacity = spec.Capacity,
            WaitStrategy = spec.WaitStrategy,
            Threads = spec.StageThreads,
            DrainTimeout = TimeSpan.FromSeconds(30),

            // The drained window stage fires every open window (thousands) on its way out: on a box at load 30 that
            // took longer than the default second.
            StopTimeout = TimeSpan.FromSeconds(30),
        });
        // demo --journal: a journaling stage first, so every later stage sees only journaled ticks.
        using DemoJournal? journal = spec.Journal is null ? null : DemoJournal.Create(spec.Journal, spec.JournalPretouch, spec.JournalCompressor, spec.JournalSegmentBytes, spec.JournalRecycle);
        StageGroup<DemoTick>? head = journal?.AddStage(pipeline);
        EventProcessor sink = Build(pipeline, spec.Topology, counters, latency, verifier, windows, head).Stages[0];

        // Observable from outside (`dotnet-counters monitor -n lowlatency --counters LowLatency`): lag,
        // occupancy, sampled latency per stage, and the window stage's late ticks.
        using PipelineMetrics metrics = PipelineMetrics.Attach(pipeline, PipelineMetricsOptions.Default);
        if (pipeline.Stages.Any(s => s.Name == "windows"))
        {
            metrics.AddLateCounter("windows", "window_closed", () => Volatile.Read(ref counters.Late));
        }

        DemoDashboard? dashboard = spec.Dashboard is null ? null : DemoDashboard.Start(spec.Dashboard, metrics, pipeline.Stages);
        if (dashboard is not null)
        {
            windows.Log.Listener = dashboard;
            onDashboard?.Invoke(dashboard.EndPoint);
        }

        var intervals = new List<IntervalSample>((int)(spec.Duration / spec.Interval) + 4);
        var sampler = spec.SampleProcess ? new ProcessSampler() : null;
        pipeline.Start();

        long start = Stopwatch.GetTimestamp() + (Stopwatch.Frequency / 100);
        Thread? feedThread = null;
        TcpSource<DemoTick, WireTickCodec>? tcp = null;
        if (feed is not null)
        {
            feedThread = new Thread(() => feed.Run(pipeline.RingBuffer, long.MaxValue, start))
            {
                Name = "lab/feed",
                IsBackground = true,
            };
            feedThread.Start();
        }
        else
        {
            // The TCP source serialises claim-decode-publish on this single-producer ring, so the ingress
            // ledger's per-symbol sequences follow ring order.
            tcp = new TcpSource<DemoTick, WireTickCodec>(pipeline, new WireTickCodec(ingress!), TcpSourceOptions.Default with
            {
                Endpoint = spec.Listen!,
                SchemaId = MarketTickCodec.SchemaId,
                AuthToken = spec.ListenToken is null ? default : System.Text.Encoding.UTF8.GetBytes(spec.ListenToken),
            });
            tcp.Start();
            onListening?.Invoke(tcp.LocalEndPoint!);
        }

        long warmupEnd = start + (long)(spec.Warmup.TotalSeconds * Stopwatch.Frequency);
        long end = start + (long)(spec.Duration.TotalSeconds * Stopwatch.Frequency);
        long intervalTicks = (long)(spec.Interval.TotalSeconds * Stopwatch.Frequency);
        bool warm = spec.Warmup == TimeSpan.Zero;
        GcSnapshot steadyStart = GcSnapshot.Capture();
        long steadyProcessedStart = 0;
        GcSnapshot previous = steadyStart;
        long previousProcessed = 0;
        long next = start;
        GcSnapshot steadyEnd;
        bool interrupted;
        long steadyProcessedEnd;

        while (true)
        {
            next = Math.Min(next + intervalTicks, warm ? end : Math.Min(end, warmupEnd));
            SleepUntil(next, cancel);

            // Ctrl+C ends the run early, but still drains, verifies and reports; a halted pipeline ends it too
            // (the drain below then surfaces the fault).
            bool finished = Stopwatch.GetTimestamp() >= end || cancel.IsCancellationRequested || pipeline.Fault is not null;
            bool warmupEnds = !warm && next >= warmupEnd;

            HistogramBase interval = latency.SampleInterval();
            long processed = Volatile.Read(ref counters.Processed);
            GcSnapshot now = GcSnapshot.Capture(precise: false);
            double seconds = (now.Timestamp - previous.Timestamp) / (double)Stopwatch.Frequency;
            var sample = new IntervalSample
            {
                ElapsedSeconds = (now.Timestamp - start) / (double)Stopwatch.Frequency,
                Warmup = !warm,
                Processed = processed,
                EventsPerSecond = (processed - previousProcessed) / seconds,
                Lag = pipeline.RingBuffer.Cursor.ValueAcquire - sink.Sequence.ValueAcquire,
                P50 = interval.TotalCount == 0 ? 0 : interval.GetValueAtPercentile(50),
                P99 = interval.TotalCount == 0 ? 0 : interval.GetValueAtPercentile(99),
                P999 = interval.TotalCount == 0 ? 0 : interval.GetValueAtPercentile(99.9),
                Max = interval.TotalCount == 0 ? 0 : interval.GetValueAtPercentile(100), // GetMaxValue() iterates with LINQ (allocates)
                Dropped = ticks.Dropped,
                Late = Volatile.Read(ref counters.Late),
                GcHeapBytes = GC.GetTotalMemory(forceFullCollection: false),
                Gen0 = now.Gen0,
                Gen1 = now.Gen1,
                Gen2 = now.Gen2,
                AllocatedBytesPerSecond = (now.AllocatedBytes - previous.AllocatedBytes) / seconds,
                RssBytes = sampler?.ResidentBytes() ?? 0,
                Threads = sampler?.Threads() ?? 0,
                Handles = sampler?.Handles() ?? 0,
            };
            intervals.Add(sample);
            previous = now;
            previousProcessed = processed;

            if (warmupEnds)
            {
                // Steady state starts now: drop warm-up latencies and take the GC baseline.
                latency.ResetTotal();
                warm = true;
                steadyStart = GcSnapshot.Capture();
                steadyProcessedStart = processed;
            }

            observer?.Invoke(sample);
            if (finished)
            {
                interrupted = cancel.IsCancellationRequested && Stopwatch.GetTimestamp() < end;
                steadyEnd = GcSnapshot.Capture();
                steadyProcessedEnd = Volatile.Read(ref counters.Processed);
                break;
            }
        }

        feed?.Stop();
        feedThread?.Join();
        tcp?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        try
        {
            // Ctrl+C ends the feed, not the drain: what was published is still verified. Throws
            // PipelineFaultedException (stage, sequence, error) if a stage halted the pipeline.
            pipeline.DrainAsync(CancellationToken.None).GetAwaiter().GetResult();
        }
        finally
        {
            pipeline.DisposeAsync().AsTask().GetAwaiter().GetResult();
            dashboard?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        latency.SampleInterval();
        ulong outputHash = (ulong)Volatile.Read(ref counters.OutputHash);
        journal?.Complete(outputHash, spec, ticks.Published);

        long[] published = new long[verifier.Sources * verifier.Keys];
        ticks.PublishedPerSymbol.CopyTo(published.AsSpan(feedSettings.Source * feedSettings.Symbols));
        VerifierResult verdict = verifier.Finish(published);

        var samples = new List<WindowResult>();
        foreach (WindowResult w in windows.Log.Samples)
        {
            if (w.Kind is not null)
            {
                samples.Add(w);
            }
        }

        return new RunResult
        {
            Spec = spec,
            Offered = ticks.Offered,
            Events = ticks.Published,
            SteadyEvents = steadyProcessedEnd - steadyProcessedStart,
            SteadyElapsed = TimeSpan.FromSeconds((steadyEnd.Timestamp - steadyStart.Timestamp) / (double)Stopwatch.Frequency),
            Elapsed = Stopwatch.GetElapsedTime(start),
            Interrupted = interrupted,
            SteadyGc = steadyEnd - steadyStart,
            Latency = latency.Total,
            Intervals = intervals,
            Verification = verdict,
            Dropped = ticks.Dropped,
            Late = Volatile.Read(ref counters.Late),
            Rejected = Volatile.Read(ref counters.Rejected),
            WindowsEmitted = Volatile.Read(ref counters.WindowsEmitted),
            PriceBandBreaches = Volatile.Read(ref counters.PriceBandBreaches),
            NotionalBreaches = Volatile.Read(ref counters.NotionalBreaches),
            WindowSamples = samples,
            Edge = tcp is null ? null : EdgeFigures.From(tcp.LocalEndPoint!, tcp.Metrics, spec.ListenToken is not null),
            OutputHash = outputHash,
        };
    }

    /// <summary>Adds the topology's stages (after <paramref name="head"/> when given); returns the group of the sink (the last stage).</summary>
    internal static StageGroup<DemoTick> Build(Pipeline<DemoTick> pipeline, Topology topology, DemoCounters counters, LatencyRecorder latency, StreamVerifier verifier, WindowStage windows, StageGroup<DemoTick>? head = null)
    {
        var sink = new SinkHandler(counters, latency, verifier);
        var named = static (string name) => StageOptions.Default with { Name = name };
        return topology switch
        {
            Topology.Demo => First(pipeline, head, new ValidateEnrichHandler(counters), named("validate"))
                .Then(windows, named("windows"))
                .Then(new RiskCheckHandler(counters, PriceBand, NotionalLimit), named("risk"))
                .Then(sink, named("sink")),
            Topology.OneHop => First(pipeline, head, sink, named("sink")),
            Topology.Pipeline3 => First(pipeline, head, new TouchHandler(0), named("stage1"))
                .Then(new TouchHandler(1), named("stage2"))
                .Then(sink, named("sink")),
            Topology.Diamond => First(pipeline, head, new TouchHandler(0), named("fork"))
                .Then(new TouchHandler(1), new TouchHandler(2))
                .Then(sink, named("join")),
            Topology.Window => First(pipeline, head, new ValidateEnrichHandler(counters), named("validate"))
                .Then(windows, named("windows"))
                .Then(sink, named("sink")),
            _ => throw new ArgumentOutOfRangeException(nameof(topology), topology, "Unknown topology."),
        };
    }

    private static StageGroup<DemoTick> First<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.Interfaces | DynamicallyAccessedMemberTypes.PublicMethods | DynamicallyAccessedMemberTypes.NonPublicMethods)] THandler>(Pipeline<DemoTick> pipeline, StageGroup<DemoTick>? head, THandler handler, StageOptions options)
        where THandler : struct, IEventHandler<DemoTick> =>
        head is null ? pipeline.HandleEventsWith(handler, options) : head.Then(handler, options);

    private static void SleepUntil(long timestamp, CancellationToken cancel)
    {
        while (!cancel.IsCancellationRequested)
        {
            long remaining = timestamp - Stopwatch.GetTimestamp();
            if (remaining <= 0)
            {
                return;
            }

            Thread.Sleep(TimeSpan.FromSeconds(Math.Min(remaining / (double)Stopwatch.Frequency, 0.05)));
        }
    }
}

using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using LowLatency.Engine.Diagnostics;
using LowLatency.Engine.Flow;
using LowLatency.Engine.Pipelines;
using LowLatency.Engine.Processing;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Diagnostics;

/// <summary>
/// A known run — 100 offers under DropNewest into a ring of 64 whose first stage is held on its first
/// event, so exactly 64 are published and 36 dropped — then every metric must equal those counts, read
/// through a <see cref="MeterListener"/> and through the snapshot API.
/// </summary>
public sealed class PipelineMetricsTests
{
    private const int Capacity = 64;
    private const int Offers = 100;
    private const int SampleInterval = 16;

    private struct PassThrough : IEventHandler<Slot>
    {
        public readonly void OnEvent(ref Slot data, long sequence, bool endOfBatch)
        {
        }
    }

    private sealed class KnownRun : IAsyncDisposable
    {
        public required Pipeline<Slot> Pipeline { get; init; }

        public required PipelineMetrics Metrics { get; init; }

        public required EventSource<Slot> Source { get; init; }

        public async ValueTask DisposeAsync()
        {
            Metrics.Dispose();
            Source.Dispose();
            await Pipeline.DisposeAsync();
        }
    }

    private static async Task<KnownRun> RunKnownAsync(string name, PipelineMetricsOptions? options = null)
    {
        var log = new StageLog();
        log.Gate.Reset();
        var pipeline = Pipeline<Slot>.Create(PipelineOptions.Default with { Name = name, Capacity = Capacity, WaitStrategy = WaitStrategyKind.Yielding });
        pipeline.HandleEventsWith(new RecordingHandler(log), StageOptions.Default with { Name = "held" })
            .Then(new PassThrough(), StageOptions.Default with { Name = "after" });
        PipelineMetrics metrics = PipelineMetrics.Attach(pipeline, (options ?? PipelineMetricsOptions.Default) with { LatencySampleInterval = SampleInterval });
        pipeline.Start();
        EventSource<Slot> source = pipeline.CreateSource(EventSourceOptions.Default with { Name = "feed", Policy = OverflowPolicy.DropNewest });
        for (long i = 0; i < Offers; i++)
        {
            source.Offer(new Slot { Value = i });
        }

        log.Gate.Set();
        await pipeline.DrainAsync();
        return new KnownRun { Pipeline = pipeline, Metrics = metrics, Source = source };
    }

    internal static Dictionary<string, double> Collect(string pipeline)
    {
        var values = new ConcurrentDictionary<string, double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == PipelineMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };

        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var parts = new SortedDictionary<string, string>();
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                parts[tag.Key] = tag.Value?.ToString() ?? "";
            }

            if (parts.GetValueOrDefault("pipeline") != pipeline)
            {
                return;
            }

            parts.Remove("pipeline");
            string key = instrument.Name + (parts.Count == 0 ? "" : "{" + string.Join(",", parts.Select(p => $"{p.Key}={p.Value}")) + "}");
            values[key] = value;
        }

        listener.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<int>((i, v, t, _) => Record(i, v, t));
        listener.Start();
        listener.RecordObservableInstruments();
        return new Dictionary<string, double>(values);
    }

    [Test]
    [CancelAfter(20_000)]
    public async Task MeterListener_AfterKnownRun_ReadsExactCounts()
    {
        string name = $"exact-{Guid.NewGuid():N}";
        await using KnownRun run = await RunKnownAsync(name);
        run.Metrics.AddLateCounter("after", "too_late", () => 7);

        Dictionary<string, double> m = Collect(name);
        foreach (KeyValuePair<string, double> pair in m.OrderBy(p => p.Key))
        {
            TestContext.Out.WriteLine($"{pair.Key} = {pair.Value}");
        }

        Assert.Multiple(() =>
        {
            Assert.That(m["lowlatency.pipeline.published"], Is.EqualTo(Capacity));
            Assert.That(m["lowlatency.pipeline.capacity"], Is.EqualTo(Capacity));
            Assert.That(m["lowlatency.pipeline.occupancy"], Is.Zero);
            Assert.That(m["lowlatency.stage.processed{stage=held}"], Is.EqualTo(Capacity));
            Assert.That(m["lowlatency.stage.processed{stage=after}"], Is.EqualTo(Capacity));
            Assert.That(m["lowlatency.stage.lag{stage=held}"], Is.Zero);
            Assert.That(m["lowlatency.stage.lag{stage=after}"], Is.Zero);
            Assert.That(m["lowlatency.stage.dead_lettered{stage=held}"], Is.Zero);
            Assert.That(m["lowlatency.stage.late{reason=too_late,stage=after}"], Is.EqualTo(7));
            Assert.That(m["lowlatency.source.published{source=feed}"], Is.EqualTo(Capacity));
            Assert.That(m["lowlatency.source.dropped{reason=full,source=feed}"], Is.EqualTo(Offers - Capacity));
            Assert.That(m["lowlatency.source.dropped{reason=rejected,source=feed}"], Is.Zero);
            Assert.That(m["lowlatency.source.dropped{reason=sampled,source=feed}"], Is.Zero);
            Assert.That(m["lowlatency.source.dropped{reason=conflated,source=feed}"], Is.Zero);
            Assert.That(m["lowlatency.source.paused{source=feed}"], Is.Zero, "drained: resumed");
            Assert.That(m["lowlatency.source.backpressured_time{source=feed}"], Is.GreaterThan(0));
            Assert.That(m["lowlatency.pipeline.backpressured_time"], Is.GreaterThanOrEqualTo(m["lowlatency.source.backpressured_time{source=feed}"]));

            // Sequences 0, 16, 32, 48 are stamped: each stage records exactly those four.
            Assert.That(m["lowlatency.stage.latency_samples{stage=held}"], Is.EqualTo(Capacity / SampleInterval));
            Assert.That(m["lowlatency.stage.latency_samples{stage=after}"], Is.EqualTo(Capacity / SampleInterval));
            Assert.That(m["lowlatency.stage.latency{quantile=1,stage=after}"], Is.GreaterThan(0));
            Assert.That(m["lowlatency.stage.latency{quantile=1,stage=after}"], Is.GreaterThanOrEqualTo(m["lowlatency.stage.latency{quantile=0.5,stage=after}"]));
        });
    }

    [Test]
    [CancelAfter(20_000)]
    public async Task Capture_AfterKnownRun_EqualsExactCountsAndAllocatesNothing()
    {
        await using KnownRun run = await RunKnownAsync($"snapshot-{Guid.NewGuid():N}");
        PipelineSnapshot snapshot = run.Metrics.CreateSnapshot();
        for (int i = 0; i < 10; i++)
        {
            run.Metrics.Capture(snapshot);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1_000; i++)
        {
            run.Metrics.Capture(snapshot);
        }

        long bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Multiple(() =>
        {
            Assert.That(bytes, Is.Zero, "Capture allocates nothing");
            Assert.That(snapshot.Published, Is.EqualTo(Capacity));
            Assert.That(snapshot.Occupancy, Is.Zero);
            Assert.That(snapshot.CompletedSequence, Is.EqualTo(Capacity - 1));
            Assert.That(snapshot.Stages.Length, Is.EqualTo(2));
            Assert.That(snapshot.Stages[0].Name, Is.EqualTo("held"));
            Assert.That(snapshot.Stages[1].Processed, Is.EqualTo(Capacity));
            Assert.That(snapshot.Stages[1].Lag, Is.Zero);
            Assert.That(snapshot.Stages[1].Latency.Samples, Is.EqualTo(Capacity / SampleInterval));
            Assert.That(snapshot.Sources.Length, Is.EqualTo(1));
            Assert.That(snapshot.Sources[0].Published, Is.EqualTo(Capacity));
            Assert.That(snapshot.GetDropped(DropReason.Full), Is.EqualTo(Offers - Capacity));
            Assert.That(snapshot.TotalDropped, Is.EqualTo(Offers - Capacity));
        });
    }

    [Test]
    [CancelAfter(20_000)]
    public async Task Snapshot_WhileHeld_ShowsLagAndOccupancy()
    {
        var log = new StageLog();
        log.Gate.Reset();
        await using var pipeline = Pipeline<Slot>.Create(PipelineOptions.Default with { Name = $"lag-{Guid.NewGuid():N}", Capacity = Capacity, WaitStrategy = WaitStrategyKind.Yielding });
        pipeline.HandleEventsWith(new RecordingHandler(log), StageOptions.Default with { Name = "held" });
        using PipelineMetrics metrics = PipelineMetrics.Attach(pipeline);
        pipeline.Start();
        for (long i = 0; i < 10; i++)
        {
            pipeline.RingBuffer.Publish(new Slot { Value = i });
        }

        log.Entered.Wait();
        PipelineSnapshot snapshot = metrics.CreateSnapshot();
        log.Gate.Set();
        Assert.Multiple(() =>
        {
            Assert.That(snapshot.Published, Is.EqualTo(10));
            Assert.That(snapshot.Occupancy, Is.EqualTo(10));
            Assert.That(snapshot.Stages[0].Processed, Is.Zero);
            Assert.That(snapshot.Stages[0].Lag, Is.EqualTo(10));
        });
    }

    [Test]
    [CancelAfter(20_000)]
    public async Task Attach_LatencyOff_RecordsNoSamples()
    {
        await using var off = Pipeline<Slot>.Create(PipelineOptions.Default with { Name = $"off2-{Guid.NewGuid():N}", Capacity = Capacity, WaitStrategy = WaitStrategyKind.Yielding });
        off.HandleEventsWith(new PassThrough());
        using PipelineMetrics metrics = PipelineMetrics.Attach(off, PipelineMetricsOptions.Default with { LatencySampleInterval = 0 });
        off.Start();
        for (long i = 0; i < 1_000; i++)
        {
            off.RingBuffer.Publish(new Slot { Value = i });
        }

        await off.DrainAsync();
        PipelineSnapshot snapshot = metrics.CreateSnapshot();
        Assert.Multiple(() =>
        {
            Assert.That(metrics.LatencyEnabled, Is.False);
            Assert.That(off.RingBuffer.Sequencer.Stamps, Is.Null, "no stamping on the publish path");
            Assert.That(snapshot.Stages[0].Processed, Is.EqualTo(1_000));
            Assert.That(snapshot.Stages[0].Latency.Samples, Is.Zero);
        });
    }

    [Test]
    [CancelAfter(10_000)]
    public void Attach_AfterStartOrTwiceOrBadOptions_Throws()
    {
        var pipeline = Pipeline<Slot>.Create(PipelineOptions.Default with { Name = $"twice-{Guid.NewGuid():N}", WaitStrategy = WaitStrategyKind.Yielding });
        pipeline.HandleEventsWith(new PassThrough());
        Assert.That(() => PipelineMetrics.Attach(pipeline, PipelineMetricsOptions.Default with { LatencySampleInterval = 1000 }),
            Throws.ArgumentException.With.Message.Contains("PipelineMetricsOptions.LatencySampleInterval"));
        using PipelineMetrics metrics = PipelineMetrics.Attach(pipeline);
        Assert.That(() => PipelineMetrics.Attach(pipeline), Throws.InvalidOperationException.With.Message.Contains("already has metrics"));
        pipeline.Start();
        var started = Pipeline<Slot>.Create(PipelineOptions.Default with { Name = $"started-{Guid.NewGuid():N}", WaitStrategy = WaitStrategyKind.Yielding });
        started.HandleEventsWith(new PassThrough());
        started.Start();
        Assert.That(() => PipelineMetrics.Attach(started), Throws.InvalidOperationException.With.Message.Contains("before Start"));
        pipeline.StopAsync().GetAwaiter().GetResult();
        started.StopAsync().GetAwaiter().GetResult();
    }
}

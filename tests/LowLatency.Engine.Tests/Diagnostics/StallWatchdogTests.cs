using LowLatency.Engine.Diagnostics;
using LowLatency.Engine.Pipelines;
using LowLatency.Engine.Processing;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Diagnostics;

/// <summary>The watchdog on a fake clock: a stage held in its handler is named once it has had work and not moved for the threshold.</summary>
public sealed class StallWatchdogTests
{
    private struct PassThrough : IEventHandler<Slot>
    {
        public readonly void OnEvent(ref Slot data, long sequence, bool endOfBatch)
        {
        }
    }

    private sealed class Reports
    {
        private readonly Lock _lock = new();
        private readonly List<StallReport> _reports = [];

        public void Add(StallReport report)
        {
            lock (_lock)
            {
                _reports.Add(report);
            }
        }

        public StallReport[] Snapshot()
        {
            lock (_lock)
            {
                return [.. _reports];
            }
        }
    }

    [Test]
    [CancelAfter(20_000)]
    public async Task Watchdog_StageHeldWithWork_IsNamedAfterThresholdOnceAndClearsWhenItMoves()
    {
        var time = new FakeTimeProvider();
        var reports = new Reports();
        var log = new StageLog();
        log.Gate.Reset();
        string name = $"stall-{Guid.NewGuid():N}";
        await using var pipeline = Pipeline<Slot>.Create(PipelineOptions.Default with { Name = name, Capacity = 64, WaitStrategy = WaitStrategyKind.Yielding });
        pipeline.HandleEventsWith(new PassThrough(), StageOptions.Default with { Name = "quick" })
            .Then(new RecordingHandler(log), StageOptions.Default with { Name = "hung" });
        using PipelineMetrics metrics = PipelineMetrics.Attach(pipeline, PipelineMetricsOptions.Default with
        {
            StallThreshold = TimeSpan.FromSeconds(1),
            StallCheckInterval = TimeSpan.FromMilliseconds(250),
            TimeProvider = time,
            OnStall = reports.Add,
        });
        pipeline.Start();
        StallWatchdog watchdog = metrics.Watchdog!;

        // Idle for ten seconds: no work, no stall.
        for (int i = 0; i < 40; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(250));
        }

        Assert.That(reports.Snapshot(), Is.Empty, "an idle stage is not stalled");

        for (long i = 0; i < 5; i++)
        {
            pipeline.RingBuffer.Publish(new Slot { Value = i });
        }

        log.Entered.Wait();
        while (pipeline.Stages[0].Sequence.ValueAcquire < 4)
        {
            Thread.Yield();
        }

        // First look sees work without progress; the threshold counts from there.
        time.Advance(TimeSpan.FromMilliseconds(250));
        for (int i = 0; i < 3; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(250));
            Assert.That(reports.Snapshot(), Is.Empty, $"{(i + 1) * 250} ms without progress: below the threshold");
        }

        time.Advance(TimeSpan.FromMilliseconds(250));
        StallReport[] stalled = reports.Snapshot();
        Assert.Multiple(() =>
        {
            Assert.That(stalled, Has.Length.EqualTo(1));
            Assert.That(stalled[0].Stage, Is.EqualTo("hung"));
            Assert.That(stalled[0].Pipeline, Is.EqualTo(name));
            Assert.That(stalled[0].Pending, Is.EqualTo(5));
            Assert.That(stalled[0].StalledFor, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(1)));
            Assert.That(watchdog.IsStalled(1), Is.True);
            Assert.That(watchdog.IsStalled(0), Is.False, "the quick stage finished its work");
            Assert.That(metrics.CreateSnapshot().Stages[1].Stalled, Is.True);
        });

        for (int i = 0; i < 8; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(250));
        }

        Assert.That(reports.Snapshot(), Has.Length.EqualTo(1), "reported once per stall");

        log.Gate.Set();
        while (pipeline.Stages[1].Sequence.ValueAcquire < 4)
        {
            Thread.Yield();
        }

        time.Advance(TimeSpan.FromMilliseconds(250));
        Assert.Multiple(() =>
        {
            Assert.That(watchdog.IsStalled(1), Is.False, "moving again");
            Assert.That(watchdog.Stalls, Is.EqualTo(1));
        });
    }
}

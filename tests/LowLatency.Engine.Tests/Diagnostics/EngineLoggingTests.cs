using LowLatency.Engine.Diagnostics;
using LowLatency.Engine.Pipelines;
using LowLatency.Engine.Processing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Diagnostics;

/// <summary>The engine logs its lifecycle, a halting fault, dead letters and stalls through the host's <see cref="ILogger"/>; never per event.</summary>
public sealed class EngineLoggingTests
{
    [Test]
    [CancelAfter(30_000)]
    public async Task Pipeline_StartAndDrain_LogsStartedAndShutDownOnly()
    {
        var logger = new FakeLogger();
        var log = new StageLog();
        await using var pipeline = Pipeline<Slot>.Create(PipelineOptions.Default with { Name = "quotes", WaitStrategy = WaitStrategyKind.Blocking, Logger = logger });
        pipeline.HandleEventsWith(new RecordingHandler(log));
        pipeline.Start();
        for (int i = 0; i < 1_000; i++)
        {
            pipeline.RingBuffer.Publish(new Slot { Value = i });
        }

        await pipeline.DrainAsync();

        string[] messages = [.. logger.Collector.GetSnapshot().Select(r => r.Message)];
        Assert.That(messages, Has.Length.EqualTo(2), "nothing per event: " + string.Join(" | ", messages));
        Assert.That(messages[0], Does.StartWith("Pipeline 'quotes' started: 1 stage(s)"));
        Assert.That(messages[1], Is.EqualTo("Pipeline 'quotes' shut down: Drained"));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Pipeline_StageFaults_LogsAnErrorNamingStageSequenceAndException()
    {
        var logger = new FakeLogger();
        var log = new StageLog { FailOnValue = 7, FailuresLeft = 1 };
        await using var pipeline = Pipeline<Slot>.Create(PipelineOptions.Default with { Name = "quotes", WaitStrategy = WaitStrategyKind.Blocking, Logger = logger });
        pipeline.HandleEventsWith(new RecordingHandler(log), new StageOptions { Name = "pricing" });
        pipeline.Start();
        for (int i = 0; i < 10; i++)
        {
            pipeline.RingBuffer.TryPublish(new Slot { Value = i });
        }

        Assert.That(async () => await pipeline.Completion, Throws.InstanceOf<PipelineFaultedException>());

        FakeLogRecord error = logger.Collector.GetSnapshot().Single(r => r.Level == LogLevel.Error);
        Assert.Multiple(() =>
        {
            Assert.That(error.Message, Is.EqualTo("Pipeline 'quotes' halted: stage 'pricing' failed at sequence 7"));
            Assert.That(error.Exception, Is.InstanceOf<InvalidOperationException>().With.Message.EqualTo("boom at 7"));
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Pipeline_DeadLetter_LogsAWarningAndStillCallsTheHostsCallback()
    {
        var logger = new FakeLogger();
        var log = new StageLog { FailOnValue = 3, FailuresLeft = 1 };
        var letters = new List<long>();
        await using var pipeline = Pipeline<Slot>.Create(PipelineOptions.Default with { Name = "quotes", WaitStrategy = WaitStrategyKind.Blocking, Logger = logger });
        pipeline.OnDeadLetter(letter => letters.Add(letter.Sequence));
        pipeline.HandleEventsWith(new RecordingHandler(log), new StageOptions { Name = "pricing", ExceptionPolicy = ExceptionPolicy.DeadLetter });
        pipeline.Start();
        for (int i = 0; i < 10; i++)
        {
            pipeline.RingBuffer.Publish(new Slot { Value = i });
        }

        await pipeline.DrainAsync();

        Assert.Multiple(() =>
        {
            Assert.That(letters, Is.EqualTo(new[] { 3L }));
            Assert.That(logger.Collector.GetSnapshot().Where(r => r.Level == LogLevel.Warning).Select(r => r.Message),
                Is.EqualTo(new[] { "Pipeline 'quotes': stage 'pricing' dead-lettered sequence 3" }));
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Watchdog_StalledStage_LogsAWarning()
    {
        var logger = new FakeLogger();
        var log = new StageLog();
        log.Gate.Reset();
        var stalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var pipeline = Pipeline<Slot>.Create(PipelineOptions.Default with { Name = "quotes", WaitStrategy = WaitStrategyKind.Blocking, Logger = logger });
        pipeline.HandleEventsWith(new RecordingHandler(log), new StageOptions { Name = "pricing" });
        using var metrics = PipelineMetrics.Attach(pipeline, PipelineMetricsOptions.Default with
        {
            StallThreshold = TimeSpan.FromMilliseconds(100),
            OnStall = _ => stalled.TrySetResult(),
        });
        pipeline.Start();
        pipeline.RingBuffer.Publish(new Slot { Value = 1 });

        await stalled.Task.WaitAsync(TimeSpan.FromSeconds(20));
        log.Gate.Set();
        await pipeline.DrainAsync();

        Assert.That(logger.Collector.GetSnapshot().Where(r => r.Level == LogLevel.Warning).Select(r => r.Message).FirstOrDefault(),
            Does.StartWith("Pipeline 'quotes': stage 'pricing' stalled for"));
    }

    [Test]
    public void PipelineOptions_NullLogger_RefusedNamingTheOption()
    {
        Assert.That(() => Pipeline<Slot>.Create(PipelineOptions.Default with { Logger = null! }),
            Throws.ArgumentException.With.Message.Contains("PipelineOptions.Logger"));
    }
}

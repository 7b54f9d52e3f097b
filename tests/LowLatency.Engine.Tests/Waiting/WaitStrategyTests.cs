using LowLatency.Engine.Pipelines;
using LowLatency.Engine.Waiting;
using LowLatency.Testing;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Waiting;

public sealed class WaitStrategyTests
{
    [TestCase(WaitStrategyKind.BusySpin)]
    [TestCase(WaitStrategyKind.Yielding)]
    [TestCase(WaitStrategyKind.Sleeping)]
    [TestCase(WaitStrategyKind.Blocking)]
    [TestCase(WaitStrategyKind.Hybrid)]
    [TestCase(WaitStrategyKind.Backoff)]
    [CancelAfter(10_000)]
    public async Task TimeoutTick_WhenNoEventArrives_CallsOnTimeoutRepeatedly(WaitStrategyKind kind)
    {
        var log = new StageLog();
        await using var pipeline = Pipeline<Slot>.Create(PipelineOptions.Default with { WaitStrategy = kind, TimeoutTick = TimeSpan.FromMilliseconds(5) });
        pipeline.HandleEventsWith(new RecordingHandler(log));
        pipeline.Start();
        await RingBufferTestsWait(() => Volatile.Read(ref log.Timeouts) >= 3);

        pipeline.RingBuffer.Publish(new Slot { Value = 1 });
        await RingBufferTestsWait(() => log.Values.Count == 1);
        int afterEvent = Volatile.Read(ref log.Timeouts);
        await RingBufferTestsWait(() => Volatile.Read(ref log.Timeouts) > afterEvent);
        await pipeline.StopAsync();
        Assert.That(log.Values, Is.EqualTo(new[] { 1L }), "ticks and events interleave; the event is handled once");
    }

    [TestCase(0.0)]
    [TestCase(-1.0)]
    [TestCase(1_001.0)]
    public void Backoff_WithAnIntervalOutOfRange_FailsNamingTheOption(double microseconds)
    {
        Assert.That(() => new BackoffWaitStrategy(TimeSpan.FromMicroseconds(microseconds)),
            Throws.ArgumentException.With.Message.Contains("BackoffWaitStrategy.PollInterval"));
        Assert.That(new BackoffWaitStrategy(TimeSpan.FromMilliseconds(1)).PollInterval, Is.EqualTo(BackoffWaitStrategy.MaxInterval));
    }

    [Test]
    public async Task Backoff_InAPipeline_PausesForTheConfiguredInterval()
    {
        await using var pipeline = Pipeline<Slot>.Create(PipelineOptions.Default with
        {
            WaitStrategy = WaitStrategyKind.Backoff,
            BackoffInterval = TimeSpan.FromMicroseconds(7),
        });
        var strategy = pipeline.RingBuffer.Sequencer.WaitStrategy as BackoffWaitStrategy;
        Assert.That(strategy?.PollInterval, Is.EqualTo(TimeSpan.FromMicroseconds(7)));
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task Hybrid_WhenIdle_ParksAndBurnsAlmostNoCpu()
    {
        var log = new StageLog();
        if (!ThreadCpu.IsSupported)
        {
            Assert.Ignore("per-thread CPU times need /proc");
        }

        await using var pipeline = Pipeline<Slot>.Create(PipelineOptions.Default with { Name = "idle", WaitStrategy = WaitStrategyKind.Hybrid });
        pipeline.HandleEventsWith(new RecordingHandler(log)).Then(new RecordingHandler(new StageLog()));
        pipeline.Start();
        pipeline.RingBuffer.Publish(new Slot());
        await RingBufferTestsWait(() => log.Values.Count == 1);

        // Two spinning stage threads would burn up to 2 × 500 ms of CPU; parked, they burn next to nothing.
        TimeSpan cpuBefore = ThreadCpu.Of("idle/", out int threads);
        await Task.Delay(500);
        TimeSpan cpu = ThreadCpu.Of("idle/", out _) - cpuBefore;
        Assert.Multiple(() =>
        {
            Assert.That(threads, Is.EqualTo(2), "both stage threads measured");
            Assert.That(cpu, Is.LessThan(TimeSpan.FromMilliseconds(50)), "CPU of the two idle stage threads over 500 ms");
        });

        pipeline.RingBuffer.Publish(new Slot { Value = 2 });
        await RingBufferTestsWait(() => log.Values.Count == 2);
    }

    private static Task RingBufferTestsWait(Func<bool> condition) => Sequencing.RingBufferTests.WaitForAsync(condition);
}

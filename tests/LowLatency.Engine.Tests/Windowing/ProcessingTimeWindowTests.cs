using LowLatency.Engine.Pipelines;
using LowLatency.Engine.Time;
using LowLatency.Engine.Windowing;
using LowLatency.Testing.Windowing;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Windowing;

using Collector = WindowCollector<TestTrade, long, TradeBar>;
using Op = TimeWindowOperator<TestTrade, long, TradeBar, TradeBarFunction, CollectingSink<TestTrade, long, TradeBar>>;
using Sink = CollectingSink<TestTrade, long, TradeBar>;

/// <summary>Processing-time windows and early firings follow the injected clock, read once per batch.</summary>
public sealed class ProcessingTimeWindowTests
{
    private static readonly DateTimeOffset s_start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Test]
    [CancelAfter(5_000)]
    public void ProcessingTimeTumbling_EventsAssignedByClock_FireWhenClockPassesEnd()
    {
        var time = new FakeTimeProvider(s_start);
        var clock = new ProcessingClock(time, ticksPerSecond: 1_000); // milliseconds
        var collector = new Collector();
        var op = new Op(WindowOptions.Tumbling(1_000) with { TimeDomain = TimeDomain.ProcessingTime }, default, new Sink(collector));
        long t0 = clock.Now();
        op.OnProcessingTime(t0);
        for (int i = 0; i < 3; i++)
        {
            var e = new TestTrade(-999, 1, 10, 1); // the event's own time is ignored, and nothing is late
            op.OnEvent(ref e);
        }

        time.Advance(TimeSpan.FromMilliseconds(999));
        op.OnProcessingTime(clock.Now());
        Assert.That(collector.Results, Is.Empty);
        time.Advance(TimeSpan.FromMilliseconds(1));
        op.OnProcessingTime(clock.Now());
        Assert.That(collector.Results, Has.Count.EqualTo(1));
        WindowResult<long, TradeBar> r = collector.Results[0].Result;
        Assert.Multiple(() =>
        {
            Assert.That((r.Start, r.End, r.IsFinal, r.Value.Ohlc.Count), Is.EqualTo((t0, t0 + 1_000, true, 3L)));
            Assert.That(op.LateDropped, Is.Zero);
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Stage_EarlyEveryPeriod_ReadsClockPerBatchAndOnTimeoutTick()
    {
        var time = new FakeTimeProvider(s_start);
        var clock = new ProcessingClock(time, ticksPerSecond: 1_000);
        var collector = new Collector();
        var op = new Op(WindowOptions.Tumbling(60_000) with { Emission = EmissionMode.EarlyEveryPeriod, EarlyPeriod = 100 }, default, new Sink(collector));
        await using var pipeline = Pipeline<TestTrade>.Create(PipelineOptions.Default with { Capacity = 64, WaitStrategy = WaitStrategyKind.Blocking });
        pipeline.HandleEventsWith(new WindowStage<TestTrade, Op>(op, clock));
        pipeline.Start();
        pipeline.RingBuffer.Publish(new TestTrade(5, 1, 10, 1));
        pipeline.RingBuffer.Publish(new TestTrade(6, 2, 10, 1));
        while (pipeline.CompletedSequence < 1)
        {
            await Task.Delay(1);
        }

        time.Advance(TimeSpan.FromMilliseconds(150));
        pipeline.RingBuffer.Publish(new TestTrade(7, 1, 11, 1)); // its batch reads the clock: an early round first
        await pipeline.DrainAsync();

        var early = collector.Results.Where(r => !r.Result.IsFinal).Select(r => (r.Result.Key, r.Result.Version, r.Result.Value.Ohlc.Count)).ToList();
        Assert.That(early, Does.Contain((1L, 1, 1L)).And.Contain((2L, 1, 1L)), "first early round: both keys, before the third trade");
        Assert.That(collector.Results.Where(r => r.Result.IsFinal).Select(r => (r.Result.Key, r.Result.Value.Ohlc.Count)), Is.EquivalentTo(new[] { (1L, 2L), (2L, 1L) }));
    }
}

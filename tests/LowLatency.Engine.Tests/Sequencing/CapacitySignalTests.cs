using LowLatency.Engine.Pipelines;
using LowLatency.Engine.Sequencing;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Sequencing;

public sealed class CapacitySignalTests
{
    [Test]
    public void NotifyProgress_WakesParkedProducersOnlyOnceTheirWrapPointIsReleased()
    {
        var signal = new CapacitySignal();
        long ticket = signal.BeginPark(wakeAt: 10);
        Assert.That(signal.HasWaiters, Is.True, "a producer about to park is a waiter");

        signal.NotifyProgressSlow(released: 9);
        Assert.That(signal.WakeCount, Is.EqualTo(ticket), "a release short of the wrap point wakes nobody");

        signal.NotifyProgressSlow(released: 10);
        Assert.That(signal.WakeCount, Is.EqualTo(ticket + 1), "the release that reaches the wrap point wakes");

        signal.NotifyProgressSlow(released: 11);
        Assert.That(signal.WakeCount, Is.EqualTo(ticket + 1), "once woken, later releases wake nobody until someone parks again");

        signal.EndPark();
        Assert.That(signal.HasWaiters, Is.False);
    }

    [Test]
    public void NotifyProgress_WithSeveralParkedProducers_WakesAtTheLowestWrapPoint()
    {
        var signal = new CapacitySignal();
        long ticket = signal.BeginPark(wakeAt: 20);
        signal.BeginPark(wakeAt: 10);
        signal.BeginPark(wakeAt: 30);

        signal.NotifyProgressSlow(released: 10);

        Assert.That(signal.WakeCount, Is.EqualTo(ticket + 1), "all are woken at the lowest; the others re-check and park again");
    }

    [Test]
    public void OnClosed_WakesParkedProducers()
    {
        var signal = new CapacitySignal();
        long ticket = signal.BeginPark(wakeAt: long.MaxValue - 1);

        signal.OnClosed();

        Assert.That(signal.WakeCount, Is.EqualTo(ticket + 1));
    }

    [TestCase(ProducerType.Single)]
    [TestCase(ProducerType.Multi)]
    [CancelAfter(10_000)]
    public async Task Next_BehindAStalledStage_ParksOnTheCapacitySignalAndResumesWhenTheStageMoves(ProducerType type)
    {
        var log = new StageLog();
        log.Gate.Reset();
        await using var pipeline = Pipeline<Slot>.Create(PipelineOptions.Default with { Capacity = 16, ProducerType = type, WaitStrategy = WaitStrategyKind.Blocking });
        pipeline.HandleEventsWith(new RecordingHandler(log));
        pipeline.Start();
        RingBuffer<Slot> ring = pipeline.RingBuffer;
        CapacitySignal signal = ring.Sequencer.Capacity;
        for (long i = 0; i < 16; i++)
        {
            ring.Publish(new Slot { Value = i });
        }

        Assert.That(log.Entered.Wait(5_000), Is.True);
        Task blocked = Task.Run(() => ring.Publish(new Slot { Value = 16 }));
        Assert.That(SpinWait.SpinUntil(() => signal.HasWaiters, 5_000), Is.True, "the producer parks on the ring's capacity signal");

        // Whether the stage's release or the park's own bound wakes it is a race (see CapacitySignal's remarks).
        log.Gate.Set();

        Assert.That(blocked.Wait(5_000), Is.True, "the publish completes once the stage moves");
        Assert.That(signal.HasWaiters, Is.False, "the producer stopped waiting");
        await pipeline.DrainAsync();
        Assert.That(log.Values, Is.EqualTo(Enumerable.Range(0, 17).Select(i => (long)i)), "every event once, in order");
    }
}

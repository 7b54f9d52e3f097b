using LowLatency.Engine.Pipelines;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Sequencing;

public sealed class RingBufferTests
{
    [TestCase(ProducerType.Single)]
    [TestCase(ProducerType.Multi)]
    [CancelAfter(10_000)]
    public async Task TryNext_WhenRingFullBehindStalledConsumer_ReturnsBackPressuredAndOverwritesNothing(ProducerType type)
    {
        var log = new StageLog();
        log.Gate.Reset();
        await using var pipeline = Pipeline<Slot>.Create(PipelineOptions.Default with { Capacity = 16, ProducerType = type, WaitStrategy = WaitStrategyKind.Blocking });
        pipeline.HandleEventsWith(new RecordingHandler(log));
        pipeline.Start();
        RingBuffer<Slot> ring = pipeline.RingBuffer;

        // The stage takes event 0 and blocks in it, so 16 more fill every slot (slot 0 is free again only
        // once event 0 is done: the stage holds it, so the ring holds 16 unread events plus the one in hand).
        for (long i = 0; i < 16; i++)
        {
            Assert.That(ring.TryPublish(new Slot { Value = i }), Is.EqualTo(PublishResult.Ok), $"publish {i}");
        }

        Assert.That(log.Entered.Wait(5_000), Is.True);
        Assert.Multiple(() =>
        {
            Assert.That(ring.TryPublish(new Slot { Value = 16 }), Is.EqualTo(PublishResult.BackPressured), "17th publish into a ring of 16");
            Assert.That(ring.TryNext(1, TimeSpan.FromMilliseconds(50), out _), Is.EqualTo(PublishResult.BackPressured), "bounded wait times out");
            Assert.That(ring.Occupancy, Is.EqualTo(16));
        });

        log.Gate.Set();
        ring.Publish(new Slot { Value = 16 });
        await pipeline.DrainAsync();
        Assert.That(log.Values, Is.EqualTo(Enumerable.Range(0, 17).Select(i => (long)i)), "every event once, in order, none overwritten");
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task Next_WhenRingFull_BlocksUntilTheConsumerFreesASlot()
    {
        var log = new StageLog();
        log.Gate.Reset();
        await using var pipeline = Pipeline<Slot>.Create(PipelineOptions.Default with { Capacity = 16, WaitStrategy = WaitStrategyKind.Blocking });
        pipeline.HandleEventsWith(new RecordingHandler(log));
        pipeline.Start();
        RingBuffer<Slot> ring = pipeline.RingBuffer;
        for (long i = 0; i < 16; i++)
        {
            ring.Publish(new Slot { Value = i });
        }

        Assert.That(log.Entered.Wait(5_000), Is.True);
        Task blocked = Task.Run(() => ring.Publish(new Slot { Value = 16 }));
        Assert.That(blocked.Wait(100), Is.False, "the 17th publish must wait while the consumer is stalled");

        log.Gate.Set();
        Assert.That(blocked.Wait(5_000), Is.True, "the publish completes once the consumer moves");
        await pipeline.DrainAsync();
        Assert.That(log.Values, Is.EqualTo(Enumerable.Range(0, 17).Select(i => (long)i)));
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task ReturnClaims_UnfilledTailOfARange_HandedOutAgainAndTheDrainSeesNoHole()
    {
        var log = new StageLog();
        await using var pipeline = Pipeline<Slot>.Create(PipelineOptions.Default with { Capacity = 16, WaitStrategy = WaitStrategyKind.Blocking, DrainTimeout = TimeSpan.FromSeconds(5) });
        pipeline.HandleEventsWith(new RecordingHandler(log));
        pipeline.Start();
        RingBuffer<Slot> ring = pipeline.RingBuffer;
        var sequencer = (LowLatency.Engine.Sequencing.SingleProducerSequencer)ring.Sequencer;

        // A producer claims 5 for a batch, fills 3, publishes them and hands the other 2 back.
        Assert.That(ring.TryNext(5, out long high), Is.EqualTo(PublishResult.Ok));
        Assert.That(high, Is.EqualTo(4));
        for (long s = 0; s < 3; s++)
        {
            ring[s].Value = s;
        }

        ring.Publish(0, 2);
        sequencer.ReturnClaims(2);
        Assert.Multiple(() =>
        {
            Assert.That(sequencer.ClaimedSequence, Is.EqualTo(2), "claims above the kept one are gone");
            Assert.That(ring.Occupancy, Is.LessThanOrEqualTo(3), "the returned slots are not occupied");
        });

        // The next claim hands out 3 again: no hole, nothing published twice.
        Assert.That(ring.TryNext(1, out long next), Is.EqualTo(PublishResult.Ok));
        Assert.That(next, Is.EqualTo(3));
        ring[next].Value = 3;
        ring.Publish(next);
        await pipeline.DrainAsync();
        Assert.That(log.Values, Is.EqualTo(new long[] { 0, 1, 2, 3 }), "every event once, in order; the drain did not wait for the returned claims");
    }

    [Test]
    public void ReturnClaims_BelowTheCursorOrAboveTheLastClaim_Throws()
    {
        RingBuffer<Slot> ring = RingBuffer<Slot>.CreateSingleProducer(8, LowLatency.Engine.Waiting.YieldingWaitStrategy.Instance);
        var sequencer = (LowLatency.Engine.Sequencing.SingleProducerSequencer)ring.Sequencer;
        long high = ring.Next(3);
        ring.Publish(1);
        Assert.Multiple(() =>
        {
            Assert.That(() => sequencer.ReturnClaims(0), Throws.InvalidOperationException.With.Message.Contains("cursor is 1"), "a published sequence cannot be returned");
            Assert.That(() => sequencer.ReturnClaims(high + 1), Throws.InvalidOperationException, "nothing above the last claim was claimed");
            Assert.That(sequencer.ClaimedSequence, Is.EqualTo(high), "a refused return changes nothing");
        });
    }

    [Test]
    public void Next_WithClaimLargerThanRing_ThrowsNamingTheSize()
    {
        RingBuffer<Slot> ring = RingBuffer<Slot>.CreateSingleProducer(8, LowLatency.Engine.Waiting.YieldingWaitStrategy.Instance);
        Assert.That(() => ring.Next(9), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("capacity (8)"));
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task BatchHandler_WhenBatchWrapsTheRing_GetsTwoContiguousSpansInOrder()
    {
        var log = new StageLog();
        await using var pipeline = Pipeline<Slot>.Create(PipelineOptions.Default with { Capacity = 16, WaitStrategy = WaitStrategyKind.Blocking });
        pipeline.HandleBatchesWith(new RecordingBatchHandler(log));

        // Publish 10 before starting, so the first batch is [0, 10); then 12 more cross the end of the array.
        pipeline.Start();
        RingBuffer<Slot> ring = pipeline.RingBuffer;
        ring.PublishBatch([.. Enumerable.Range(0, 10).Select(i => new Slot { Value = i })]);
        await WaitForAsync(() => log.Values.Count == 10);
        ring.PublishBatch([.. Enumerable.Range(10, 12).Select(i => new Slot { Value = i })]);
        await pipeline.DrainAsync();

        Assert.Multiple(() =>
        {
            Assert.That(log.Values, Is.EqualTo(Enumerable.Range(0, 22).Select(i => (long)i)));
            Assert.That(log.Batches, Does.Contain((10L, 6)), "the span up to the end of the array");
            Assert.That(log.Batches, Does.Contain((16L, 6)), "the span from its start");
            Assert.That(log.Batches.Sum(b => b.Count), Is.EqualTo(22));
        });
    }

    internal static async Task WaitForAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            await Task.Delay(1, timeout.Token);
        }
    }
}

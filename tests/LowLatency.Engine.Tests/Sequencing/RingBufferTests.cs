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

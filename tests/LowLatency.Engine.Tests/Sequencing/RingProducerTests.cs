using LowLatency.Engine.Diagnostics;
using LowLatency.Engine.Pipelines;
using LowLatency.Engine.Processing;
using LowLatency.Engine.Sequencing;
using LowLatency.Engine.Waiting;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Sequencing;

/// <summary>The producer handle claims exactly what <see cref="RingBuffer{T}.Next()"/> would, and keeps every rule of the ring.</summary>
public sealed class RingProducerTests
{
    private struct PassThrough : IEventHandler<Slot>
    {
        public readonly void OnEvent(ref Slot data, long sequence, bool endOfBatch)
        {
        }
    }

    [TestCase(WaitStrategyKind.Yielding, false)]
    [TestCase(WaitStrategyKind.Blocking, false)]
    [TestCase(WaitStrategyKind.Yielding, true)]
    [CancelAfter(60_000)]
    public async Task Producer_ManyLapsOfASmallRing_StageSeesEveryValueOnceInOrder(WaitStrategyKind wait, bool metrics)
    {
        const int events = 200_000;
        var log = new StageLog();
        await using var pipeline = Pipeline<Slot>.Create(PipelineOptions.Default with { Name = $"producer-{Guid.NewGuid():N}", Capacity = 64, WaitStrategy = wait });
        pipeline.HandleEventsWith(new RecordingHandler(log)).Then(new PassThrough());
        using PipelineMetrics? attached = metrics ? PipelineMetrics.Attach(pipeline, PipelineMetricsOptions.Default with { LatencySampleInterval = 16 }) : null;
        pipeline.Start();
        Publish(pipeline.RingBuffer, 0, events / 2);

        // The ring's own path after the handle, then a handle again: the claim position is shared.
        for (long i = events / 2; i < (events / 2) + 10; i++)
        {
            pipeline.RingBuffer.Publish(new Slot { Value = i });
        }

        Publish(pipeline.RingBuffer, (events / 2) + 10, events);
        await pipeline.DrainAsync();
        Assert.Multiple(() =>
        {
            Assert.That(log.Values, Is.EqualTo(Enumerable.Range(0, events).Select(i => (long)i)));
            Assert.That(pipeline.RingBuffer.Sequencer.ClaimedSequence, Is.EqualTo(events - 1L));
            if (attached is not null)
            {
                Assert.That(attached.CreateSnapshot().Stages[0].Latency.Samples, Is.EqualTo(events / 16), "stamped through the sequencer's publish");
            }
        });
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task Producer_RingClosedWhileClaiming_ThrowsClosedAndDrainLosesNothingPublished()
    {
        var log = new StageLog();
        var pipeline = Pipeline<Slot>.Create(PipelineOptions.Default with { Capacity = 1024, WaitStrategy = WaitStrategyKind.Yielding });
        pipeline.HandleEventsWith(new RecordingHandler(log));
        pipeline.Start();
        Publish(pipeline.RingBuffer, 0, 10);
        await pipeline.DrainAsync();
        Assert.That(() => Publish(pipeline.RingBuffer, 10, 11), Throws.TypeOf<PipelineClosedException>(), "closed well within the cached capacity limit");
        Assert.That(log.Values, Has.Count.EqualTo(10));
    }

    [Test]
    public void CreateProducer_MultiProducerRing_FailsSayingWhy()
    {
        var ring = RingBuffer<Slot>.CreateMultiProducer(16, YieldingWaitStrategy.Instance);
        Assert.That(() => ring.CreateProducer(), Throws.InvalidOperationException.With.Message.Contains("single-producer"));
    }

    [Test]
    public void Producer_FullRingWithoutConsumers_BackPressuresAtCapacity()
    {
        var ring = RingBuffer<Slot>.CreateSingleProducer(8, YieldingWaitStrategy.Instance);
        var gate = new Sequence();
        ring.Sequencer.AddGatingSequence(gate);
        Publish(ring, 0, 8);
        Assert.That(ring.TryNext(out _), Is.EqualTo(PublishResult.BackPressured), "eight claims filled the ring");
        gate.SetRelease(3);
        Publish(ring, 8, 12);
        Assert.Multiple(() =>
        {
            Assert.That(ring.Cursor.ValueAcquire, Is.EqualTo(11));
            Assert.That(ring[11].Value, Is.EqualTo(11));
            Assert.That(ring.TryNext(out _), Is.EqualTo(PublishResult.BackPressured));
        });
    }

    private static void Publish(RingBuffer<Slot> ring, long from, long to)
    {
        RingProducer<Slot> producer = ring.CreateProducer();
        for (long i = from; i < to; i++)
        {
            long sequence = producer.Next();
            producer[sequence].Value = i;
            producer.Publish(sequence);
        }
    }
}

using LowLatency.Engine.Pipelines;
using LowLatency.Engine.Processing;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Processing;

public sealed class EventPollerTests
{
    private struct Collect(List<long> into) : IEventHandler<Slot>
    {
        public readonly void OnEvent(ref Slot data, long sequence, bool endOfBatch) => into.Add(data.Value);
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task Poll_AfterAStage_SeesOnlyWhatTheStageFinishedAndGatesTheProducer()
    {
        var log = new StageLog();
        log.Gate.Reset();
        await using var pipeline = Pipeline<Slot>.Create(PipelineOptions.Default with { Capacity = 8, WaitStrategy = WaitStrategyKind.Blocking });
        StageGroup<Slot> stage = pipeline.HandleEventsWith(new RecordingHandler(log));
        EventPoller<Slot> poller = pipeline.CreatePoller(maxBatchSize: 3, stage);
        pipeline.Start();
        var seen = new List<long>();
        var handler = new Collect(seen);

        Assert.That(poller.Poll(ref handler), Is.EqualTo(EventPoller<Slot>.PollState.Idle));
        for (long i = 0; i < 8; i++)
        {
            pipeline.RingBuffer.Publish(new Slot { Value = i });
        }

        Assert.Multiple(() =>
        {
            Assert.That(poller.Poll(ref handler), Is.EqualTo(EventPoller<Slot>.PollState.Gating), "published, but the stage has not finished them");
            Assert.That(pipeline.RingBuffer.TryPublish(new Slot()), Is.EqualTo(PublishResult.BackPressured), "the poller gates the ring");
        });

        log.Gate.Set();
        await Sequencing.RingBufferTests.WaitForAsync(() => log.Values.Count == 8);
        Assert.That(poller.Poll(ref handler), Is.EqualTo(EventPoller<Slot>.PollState.Processing));
        Assert.That(seen, Is.EqualTo(new long[] { 0, 1, 2 }), "max batch of 3");
        while (poller.Poll(ref handler) == EventPoller<Slot>.PollState.Processing)
        {
        }

        Assert.Multiple(() =>
        {
            Assert.That(seen, Is.EqualTo(Enumerable.Range(0, 8).Select(i => (long)i)));
            Assert.That(pipeline.RingBuffer.TryPublish(new Slot { Value = 8 }), Is.EqualTo(PublishResult.Ok), "capacity returned");
        });
    }
}

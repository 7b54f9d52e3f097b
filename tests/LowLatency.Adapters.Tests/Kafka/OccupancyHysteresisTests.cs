using LowLatency.Adapters.Kafka;
using LowLatency.Engine.Sequencing;
using LowLatency.Engine.Waiting;
using NUnit.Framework;

namespace LowLatency.Adapters.Tests.Kafka;

[TestFixture]
public sealed class OccupancyHysteresisTests
{
    [Test]
    [CancelAfter(5_000)]
    public void IsAtHighAndLow_ConsumerDrainsStepByStep_FollowTheMarksWithHysteresis()
    {
        var sequencer = new SingleProducerSequencer(16, new YieldingWaitStrategy());
        var consumer = new Sequence();
        sequencer.AddGatingSequence(consumer);
        var flow = new OccupancyHysteresis(sequencer, high: 0.75, low: 0.25);
        Assert.That((flow.High, flow.Low), Is.EqualTo((12L, 4L)));

        long claimed = sequencer.Next(11);
        Assert.That(flow.IsAtHigh(), Is.False, "11 of 16 is below the high mark");
        claimed = sequencer.Next(1);
        Assert.That(flow.IsAtHigh(), Is.True, "12 of 16 reaches it");

        consumer.SetRelease(claimed - 5);
        Assert.Multiple(() =>
        {
            Assert.That(flow.IsAtHigh(), Is.False, "5 left: below the high mark");
            Assert.That(flow.IsAtLow(), Is.False, "5 left: not yet at the low mark");
        });
        consumer.SetRelease(claimed - 4);
        Assert.That(flow.IsAtLow(), Is.True, "4 left: at the low mark");
    }

    [Test]
    [CancelAfter(5_000)]
    public void IsAtHigh_CachedMinimumStale_RereadsTheGatingSequences()
    {
        var sequencer = new SingleProducerSequencer(16, new YieldingWaitStrategy());
        var consumer = new Sequence();
        sequencer.AddGatingSequence(consumer);
        var flow = new OccupancyHysteresis(sequencer, high: 0.5, low: 0.25);
        long claimed = sequencer.Next(8);
        Assert.That(flow.IsAtHigh(), Is.True);
        consumer.SetRelease(claimed);
        Assert.That(flow.IsAtHigh(), Is.False, "the consumer caught up: the cached minimum must not keep it high");
    }
}

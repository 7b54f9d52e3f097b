using LowLatency.Engine.Processing;
using LowLatency.Engine.Sequencing;
using LowLatency.Engine.Waiting;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Sequencing;

/// <summary>
/// Litmus: a consumer that sees sequence n published also sees the event's fields and every earlier
/// sequence. A 4-slot ring makes every slot be rewritten constantly, so a missing release/acquire pair
/// shows up as a torn or stale slot.
/// </summary>
public sealed class PublicationVisibilityTests
{
    private struct Pair
    {
        public long A;
        public long B;
    }

    [TestCase(false)]
    [TestCase(true)]
    [CancelAfter(60_000)]
    public void Consumer_SeeingSequencePublished_SeesItsFieldsAndAllEarlierSequences(bool multiProducer)
    {
        const long iterations = 3_000_000;
        IWaitStrategy wait = YieldingWaitStrategy.Instance;
        RingBuffer<Pair> ring = multiProducer ? RingBuffer<Pair>.CreateMultiProducer(4, wait) : RingBuffer<Pair>.CreateSingleProducer(4, wait);
        var consumed = new Sequence();
        ring.Sequencer.SetGatingSequences(consumed);
        var barrier = new SequenceBarrier(ring.Sequencer, wait, []);
        long torn = 0;
        long skipped = 0;
        var consumer = new Thread(() =>
        {
            long next = 0;
            while (next < iterations)
            {
                long available = barrier.WaitFor(next);
                for (; next <= available; next++)
                {
                    Pair pair = ring[next];
                    if (pair.A != next || pair.B != ~next)
                    {
                        torn++;
                    }
                }

                consumed.SetRelease(next - 1);
            }

            skipped = next - iterations;
        });
        consumer.Start();
        for (long i = 0; i < iterations; i++)
        {
            long sequence = ring.Next();
            ring[sequence].A = sequence;
            ring[sequence].B = ~sequence;
            ring.Publish(sequence);
        }

        Assert.That(consumer.Join(50_000), Is.True);
        Assert.Multiple(() =>
        {
            Assert.That(torn, Is.Zero, "slots read with stale or half-written fields");
            Assert.That(skipped, Is.Zero);
        });
    }
}

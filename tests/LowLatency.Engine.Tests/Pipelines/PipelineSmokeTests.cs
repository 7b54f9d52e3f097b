using LowLatency.Engine.Pipelines;
using LowLatency.Engine.Processing;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Pipelines;

public sealed class PipelineSmokeTests
{
    private struct Tick
    {
        public long Value;
    }

    private sealed class Tally
    {
        public long Count;
        public long Sum;
        public long Last = -1;
        public long OutOfOrder;
    }

    private struct Summing(Tally tally) : IEventHandler<Tick>
    {
        public readonly void OnEvent(ref Tick data, long sequence, bool endOfBatch)
        {
            if (data.Value != tally.Last + 1)
            {
                tally.OutOfOrder++;
            }

            tally.Last = data.Value;
            tally.Count++;
            tally.Sum += data.Value;
        }
    }

    [TestCase(WaitStrategyKind.Yielding)]
    [TestCase(WaitStrategyKind.Blocking)]
    [TestCase(WaitStrategyKind.Hybrid)]
    [TestCase(WaitStrategyKind.Sleeping)]
    [TestCase(WaitStrategyKind.Backoff)]
    [CancelAfter(30_000)]
    public async Task Drain_AfterPublishingThroughChain_EveryStageSawEveryEventInOrder(WaitStrategyKind wait)
    {
        var a = new Tally();
        var b = new Tally();
        await using var pipeline = Pipeline<Tick>.Create(PipelineOptions.Default with { Capacity = 64, WaitStrategy = wait });
        pipeline.HandleEventsWith(new Summing(a)).Then(new Summing(b));
        pipeline.Start();
        const int n = 100_000;
        for (long i = 0; i < n; i++)
        {
            long s = pipeline.RingBuffer.Next();
            pipeline.RingBuffer[s].Value = i;
            pipeline.RingBuffer.Publish(s);
        }

        await pipeline.DrainAsync();
        Assert.Multiple(() =>
        {
            Assert.That(a.Count, Is.EqualTo(n));
            Assert.That(b.Count, Is.EqualTo(n));
            Assert.That(b.Sum, Is.EqualTo((long)n * (n - 1) / 2));
            Assert.That(a.OutOfOrder + b.OutOfOrder, Is.Zero);
        });
    }
}

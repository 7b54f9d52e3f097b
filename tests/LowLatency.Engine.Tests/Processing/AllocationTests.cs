using LowLatency.Engine.Pipelines;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Processing;

/// <summary>Steady state allocates nothing: neither the publishing thread nor any stage thread.</summary>
public sealed class AllocationTests
{
    private const int WarmUp = 200_000;
    private const int Measured = 1_000_000;

    [TestCase(ProducerType.Single, WaitStrategyKind.Yielding)]
    [TestCase(ProducerType.Multi, WaitStrategyKind.Yielding)]
    [TestCase(ProducerType.Single, WaitStrategyKind.Hybrid)]
    [TestCase(ProducerType.Single, WaitStrategyKind.Blocking)]
    [TestCase(ProducerType.Single, WaitStrategyKind.Backoff)]
    [TestCase(ProducerType.Single, WaitStrategyKind.Yielding, 1)]
    [TestCase(ProducerType.Multi, WaitStrategyKind.Yielding, 1)]
    [TestCase(ProducerType.Single, WaitStrategyKind.Hybrid, 1)]
    [TestCase(ProducerType.Single, WaitStrategyKind.Blocking, 1)]
    [CancelAfter(60_000)]
    public async Task PublishAndProcess_AfterWarmUp_AllocateZeroBytes(ProducerType type, WaitStrategyKind wait, int threads = 0)
    {
        // threads = 1: both stages share one thread.
        var first = new StageLog { ArmAtValue = WarmUp, ReadAtValue = WarmUp + Measured - 1 };
        var second = new StageLog { ArmAtValue = WarmUp, ReadAtValue = WarmUp + Measured - 1 };
        await using var pipeline = Pipeline<Slot>.Create(PipelineOptions.Default with { Capacity = 1024, ProducerType = type, WaitStrategy = wait, Threads = threads });
        pipeline.HandleEventsWith(new ProbeHandler(first)).Then(new ProbeHandler(second));
        pipeline.Start();
        RingBuffer<Slot> ring = pipeline.RingBuffer;

        for (long i = 0; i < WarmUp; i++)
        {
            ring.Publish(new Slot { Value = i });
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (long i = WarmUp; i < WarmUp + Measured; i++)
        {
            long sequence = ring.Next();
            ring[sequence].Value = i;
            ring.Publish(sequence);
        }

        long producerBytes = GC.GetAllocatedBytesForCurrentThread() - before;
        await pipeline.DrainAsync();

        Assert.Multiple(() =>
        {
            Assert.That(producerBytes, Is.Zero, "publishing thread");
            Assert.That(first.Allocations.Bytes, Is.Zero, "first stage thread");
            Assert.That(second.Allocations.Bytes, Is.Zero, "second stage thread");
        });
    }
}

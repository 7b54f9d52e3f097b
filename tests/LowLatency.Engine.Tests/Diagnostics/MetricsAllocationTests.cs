using LowLatency.Engine.Diagnostics;
using LowLatency.Engine.Flow;
using LowLatency.Engine.Pipelines;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Diagnostics;

/// <summary>With metrics attached and latency stamped on one sequence in 64, steady state still allocates nothing on any thread of the pipeline.</summary>
public sealed class MetricsAllocationTests
{
    private const int WarmUp = 200_000;
    private const int Measured = 1_000_000;

    [TestCase(ProducerType.Single, false)]
    [TestCase(ProducerType.Single, true)]
    [TestCase(ProducerType.Multi, true)]
    [CancelAfter(60_000)]
    public async Task PublishAndProcess_WithMetricsAndLatency_AllocateZeroBytes(ProducerType type, bool throughSource)
    {
        var first = new StageLog { ArmAtValue = WarmUp, ReadAtValue = WarmUp + Measured - 1 };
        var second = new StageLog { ArmAtValue = WarmUp, ReadAtValue = WarmUp + Measured - 1 };
        await using var pipeline = Pipeline<Slot>.Create(PipelineOptions.Default with
        {
            Name = $"alloc-{Guid.NewGuid():N}",
            Capacity = 1024,
            ProducerType = type,
            WaitStrategy = WaitStrategyKind.Yielding,
        });
        pipeline.HandleEventsWith(new ProbeHandler(first)).Then(new ProbeHandler(second));
        using PipelineMetrics metrics = PipelineMetrics.Attach(pipeline, PipelineMetricsOptions.Default with { LatencySampleInterval = 64 });
        pipeline.Start();
        using EventSource<Slot> source = pipeline.CreateSource();
        RingBuffer<Slot> ring = pipeline.RingBuffer;

        void Publish(long i)
        {
            if (throughSource)
            {
                source.Offer(new Slot { Value = i });
            }
            else
            {
                long sequence = ring.Next();
                ring[sequence].Value = i;
                ring.Publish(sequence);
            }
        }

        for (long i = 0; i < WarmUp; i++)
        {
            Publish(i);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (long i = WarmUp; i < WarmUp + Measured; i++)
        {
            Publish(i);
        }

        long producerBytes = GC.GetAllocatedBytesForCurrentThread() - before;
        await pipeline.DrainAsync();
        PipelineSnapshot snapshot = metrics.CreateSnapshot();

        Assert.Multiple(() =>
        {
            Assert.That(producerBytes, Is.Zero, "publishing thread (stamping)");
            Assert.That(first.Allocations.Bytes, Is.Zero, "first stage thread (latency recording)");
            Assert.That(second.Allocations.Bytes, Is.Zero, "second stage thread (latency recording)");
            Assert.That(snapshot.Stages[0].Latency.Samples, Is.EqualTo((WarmUp + Measured) / 64), "every sampled sequence recorded once");
            Assert.That(snapshot.Stages[1].Latency.Samples, Is.EqualTo((WarmUp + Measured) / 64));
        });
    }
}

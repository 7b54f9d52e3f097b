using LowLatency.Engine.Diagnostics;
using LowLatency.Engine.Pipelines;
using LowLatency.Engine.Processing;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Diagnostics;

/// <summary>The sampled sequences are the multiples of the interval, whatever the claim sizes and batch boundaries: each is recorded once by each stage.</summary>
public sealed class LatencySamplingTests
{
    private const int Interval = 16;
    private const int Events = 10_000;

    private struct PassThrough : IEventHandler<Slot>
    {
        public readonly void OnEvent(ref Slot data, long sequence, bool endOfBatch)
        {
        }
    }

    private struct Batches : IBatchEventHandler<Slot>
    {
        public readonly void OnBatch(Span<Slot> batch, long firstSequence)
        {
        }
    }

    [TestCase(ProducerType.Single, 1, false)]
    [TestCase(ProducerType.Single, 7, false)]
    [TestCase(ProducerType.Single, 7, true)]
    [TestCase(ProducerType.Single, 40, false)]
    [TestCase(ProducerType.Multi, 1, true)]
    [TestCase(ProducerType.Multi, 7, true)]
    [TestCase(ProducerType.Multi, 40, true)]
    [CancelAfter(20_000)]
    public async Task Stages_AnyClaimSize_RecordEverySampledSequenceOnce(ProducerType type, int claim, bool publishRange)
    {
        await using var pipeline = Pipeline<Slot>.Create(PipelineOptions.Default with
        {
            Name = $"sampling-{Guid.NewGuid():N}",
            Capacity = 64,
            ProducerType = type,
            WaitStrategy = WaitStrategyKind.Yielding,
        });
        pipeline.HandleEventsWith(new PassThrough(), StageOptions.Default with { MaxBatchSize = 5 }).ThenBatches(new Batches());
        using PipelineMetrics metrics = PipelineMetrics.Attach(pipeline, PipelineMetricsOptions.Default with { LatencySampleInterval = Interval });
        pipeline.Start();
        RingBuffer<Slot> ring = pipeline.RingBuffer;
        for (long published = 0; published < Events; published += claim)
        {
            long high = ring.Next(claim);
            long low = high - claim + 1;
            if (publishRange)
            {
                ring.Publish(low, high);
            }
            else
            {
                // The Disruptor idiom for one producer: claim n, publish the highest.
                ring.Publish(high);
            }
        }

        await pipeline.DrainAsync();
        long last = ring.Cursor.ValueAcquire;
        long expected = (last / Interval) + 1;
        PipelineSnapshot snapshot = metrics.CreateSnapshot();
        Assert.Multiple(() =>
        {
            Assert.That(snapshot.Stages[0].Latency.Samples, Is.EqualTo(expected), "per-event stage, batches of at most 5");
            Assert.That(snapshot.Stages[1].Latency.Samples, Is.EqualTo(expected), "batch stage");
            Assert.That(snapshot.Stages[1].Latency.MaxNanoseconds, Is.GreaterThanOrEqualTo(snapshot.Stages[1].Latency.P50Nanoseconds));
        });
    }
}

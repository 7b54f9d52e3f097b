using LowLatency.Engine.Pipelines;
using LowLatency.Testing;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Pipelines;

/// <summary>
/// Conservation under load: every stage sees every event exactly once, in ring order and in order per
/// producer, with its fields intact, through a diamond (a → (left, right) → join).
/// </summary>
public sealed class PipelineStressTests
{
    private const long TotalEvents = 10_000_000;

    [Test]
    [CancelAfter(180_000)]
    public async Task SingleProducer_TenMillionEventsThroughDiamond_EveryStageSeesEveryEventOnceInOrder()
    {
        StressLog[] logs = await RunDiamondAsync(ProducerType.Single, producers: 1, TotalEvents, capacity: 1024);
        StressRun.AssertConserved(logs, TotalEvents, producers: 1, joinStage: 3);
    }

    [Test]
    [CancelAfter(180_000)]
    public async Task MultiProducer_OversubscribedProducersThroughDiamond_EveryStageSeesEveryEventOnceInOrderPerProducer()
    {
        // More producer threads than cores, so producers are preempted between claim and publish.
        int producers = Math.Max(4, 2 * Environment.ProcessorCount);
        long perProducer = TotalEvents / producers;
        StressLog[] logs = await RunDiamondAsync(ProducerType.Multi, producers, perProducer, capacity: 1024);
        StressRun.AssertConserved(logs, perProducer * producers, producers, joinStage: 3);
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task MultiProducer_TinyRingWrapsConstantly_NoSlotOverwrittenUnread()
    {
        const int producers = 4;
        const long perProducer = 250_000;
        StressLog[] logs = await RunDiamondAsync(ProducerType.Multi, producers, perProducer, capacity: 8);
        StressRun.AssertConserved(logs, perProducer * producers, producers, joinStage: 3);
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task SingleProducer_BackoffStagesOnSmallRing_EveryStageSeesEveryEventOnceInOrder()
    {
        // Backoff stages fall behind on purpose: the producer laps a 256-slot ring thousands of times and must
        // still wait for the slowest of them.
        const long events = 2_000_000;
        StressLog[] logs = await RunDiamondAsync(ProducerType.Single, 1, events, capacity: 256, WaitStrategyKind.Backoff);
        StressRun.AssertConserved(logs, events, 1, joinStage: 3);
    }

    private static async Task<StressLog[]> RunDiamondAsync(
        ProducerType type, int producers, long perProducer, int capacity, WaitStrategyKind wait = WaitStrategyKind.Yielding)
    {
        StressLog[] logs = [new(producers), new(producers), new(producers), new(producers)];
        await using var pipeline = Pipeline<StressEvent>.Create(PipelineOptions.Default with
        {
            Capacity = capacity,
            ProducerType = type,
            WaitStrategy = wait,
            DrainTimeout = TimeSpan.FromSeconds(60),
        });
        StageGroup<StressEvent> first = pipeline.HandleEventsWith(new StressVerifier(logs[0]));
        StageGroup<StressEvent> left = first.Then(new StressVerifier(logs[1], StressVerifier.Role.MarkLeft));
        StageGroup<StressEvent> right = first.Then(new StressVerifier(logs[2], StressVerifier.Role.MarkRight));
        pipeline.After(left, right).Then(new StressVerifier(logs[3], StressVerifier.Role.CheckMarks));
        await StressRun.ProduceAndDrainAsync(pipeline, producers, perProducer);
        return logs;
    }
}

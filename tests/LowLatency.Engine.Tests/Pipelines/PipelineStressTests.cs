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
        AssertConserved(logs, TotalEvents, producers: 1);
    }

    [Test]
    [CancelAfter(180_000)]
    public async Task MultiProducer_OversubscribedProducersThroughDiamond_EveryStageSeesEveryEventOnceInOrderPerProducer()
    {
        // More producer threads than cores, so producers are preempted between claim and publish.
        int producers = Math.Max(4, 2 * Environment.ProcessorCount);
        long perProducer = TotalEvents / producers;
        StressLog[] logs = await RunDiamondAsync(ProducerType.Multi, producers, perProducer, capacity: 1024);
        AssertConserved(logs, perProducer * producers, producers);
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task MultiProducer_TinyRingWrapsConstantly_NoSlotOverwrittenUnread()
    {
        const int producers = 4;
        const long perProducer = 250_000;
        StressLog[] logs = await RunDiamondAsync(ProducerType.Multi, producers, perProducer, capacity: 8);
        AssertConserved(logs, perProducer * producers, producers);
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task SingleProducer_BackoffStagesOnSmallRing_EveryStageSeesEveryEventOnceInOrder()
    {
        // Backoff stages fall behind on purpose: the producer laps a 256-slot ring thousands of times and must
        // still wait for the slowest of them.
        const long events = 2_000_000;
        StressLog[] logs = await RunDiamondAsync(ProducerType.Single, 1, events, capacity: 256, WaitStrategyKind.Backoff);
        AssertConserved(logs, events, 1);
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
        pipeline.Start();

        RingBuffer<StressEvent> ring = pipeline.RingBuffer;
        var threads = new Thread[producers];
        for (int p = 0; p < producers; p++)
        {
            int producer = p;
            threads[p] = new Thread(() =>
            {
                for (long i = 0; i < perProducer; i++)
                {
                    long sequence = ring.Next();
                    ring[sequence].Fill(producer, i);
                    ring.Publish(sequence);
                }
            })
            { IsBackground = true, Name = $"stress-producer-{p}" };
            threads[p].Start();
        }

        foreach (Thread thread in threads)
        {
            thread.Join();
        }

        await pipeline.DrainAsync();
        return logs;
    }

    private static void AssertConserved(StressLog[] logs, long expected, int producers)
    {
        Assert.Multiple(() =>
        {
            for (int stage = 0; stage < logs.Length; stage++)
            {
                StressLog log = logs[stage];
                Assert.That(log.Seen, Is.EqualTo(expected), $"stage {stage}: events seen");
                Assert.That(log.Duplicated, Is.Zero, $"stage {stage}: duplicated");
                Assert.That(log.Gaps, Is.Zero, $"stage {stage}: per-producer gaps (reordered or lost)");
                Assert.That(log.BadChecksums, Is.Zero, $"stage {stage}: torn or unpublished slot contents");
                Assert.That(log.RingOrderViolations, Is.Zero, $"stage {stage}: ring sequences out of order");
                Assert.That(log.LastPerProducer, Is.All.EqualTo(expected / producers - 1), $"stage {stage}: last sequence per producer");
            }

            Assert.That(logs[3].BadMarks, Is.Zero, "the join stage saw an event before both branches finished it");
        });
    }
}

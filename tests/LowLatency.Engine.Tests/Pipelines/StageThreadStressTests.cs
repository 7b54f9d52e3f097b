using LowLatency.Engine.Pipelines;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Pipelines;

/// <summary>
/// Conservation when stages share threads: every stage sees every event exactly once, in ring order and in
/// order per producer, fields intact, and a join never sees an event before both of its branches finished it.
/// The graph is a diamond of shared threads: first → (left chain: left → leftAfter) and (right fan-out:
/// right, rightTwin) → join, with the left chain on one thread and the right fan-out on another.
/// </summary>
public sealed class StageThreadStressTests
{
    private const long FastEvents = 1_000_000;
    private const long LongEvents = 10_000_000;

    public enum Layout
    {
        /// <summary>A chain on one thread, a fan-out on another, the ends alone: groups in a diamond.</summary>
        GroupsInDiamond,

        /// <summary>Every stage on one thread (PipelineOptions.Threads = 1).</summary>
        OneThread,

        /// <summary>PipelineOptions.Threads = 3: the pipeline lays the stages out itself.</summary>
        ThreeThreads,
    }

    [TestCase(Layout.GroupsInDiamond)]
    [TestCase(Layout.OneThread)]
    [TestCase(Layout.ThreeThreads)]
    [CancelAfter(120_000)]
    public async Task SingleProducer_SharedThreads_EveryStageSeesEveryEventOnceInOrder(Layout layout)
    {
        StressLog[] logs = await RunAsync(layout, ProducerType.Single, producers: 1, FastEvents, capacity: 1024);
        StressRun.AssertConserved(logs, FastEvents, producers: 1, joinStage: 5);
    }

    [TestCase(Layout.GroupsInDiamond)]
    [TestCase(Layout.OneThread)]
    [CancelAfter(120_000)]
    public async Task MultiProducer_SharedThreadsOnTinyRing_EveryStageSeesEveryEventOncePerProducerOrder(Layout layout)
    {
        const int producers = 3;
        const long perProducer = FastEvents / producers;
        StressLog[] logs = await RunAsync(layout, ProducerType.Multi, producers, perProducer, capacity: 16);
        StressRun.AssertConserved(logs, perProducer * producers, producers, joinStage: 5);
    }

    [TestCase(Layout.GroupsInDiamond, ProducerType.Single)]
    [TestCase(Layout.OneThread, ProducerType.Single)]
    [TestCase(Layout.GroupsInDiamond, ProducerType.Multi)]
    [CancelAfter(300_000)]
    public async Task TenMillionEvents_SharedThreads_EveryStageSeesEveryEventOnceInOrder(Layout layout, ProducerType type)
    {
        int producers = type == ProducerType.Single ? 1 : Math.Max(4, 2 * Environment.ProcessorCount);
        long perProducer = LongEvents / producers;
        StressLog[] logs = await RunAsync(layout, type, producers, perProducer, capacity: 1024);
        StressRun.AssertConserved(logs, perProducer * producers, producers, joinStage: 5);
    }

    private static async Task<StressLog[]> RunAsync(Layout layout, ProducerType type, int producers, long perProducer, int capacity)
    {
        StressLog[] logs = [.. Enumerable.Range(0, 6).Select(_ => new StressLog(producers))];
        await using var pipeline = Pipeline<StressEvent>.Create(PipelineOptions.Default with
        {
            Capacity = capacity,
            ProducerType = type,
            WaitStrategy = WaitStrategyKind.Yielding,
            DrainTimeout = TimeSpan.FromSeconds(120),
            Threads = layout switch
            {
                Layout.OneThread => 1,
                Layout.ThreeThreads => 3,
                _ => 0,
            },
        });
        StageGroup<StressEvent> first = pipeline.HandleEventsWith(new StressVerifier(logs[0]));
        StageGroup<StressEvent> left = first.Then(new StressVerifier(logs[1], StressVerifier.Role.MarkLeft));
        StageGroup<StressEvent> leftAfter = left.Then(new StressVerifier(logs[2]));
        StageGroup<StressEvent> right = first.Then(new StressVerifier(logs[3], StressVerifier.Role.MarkRight));
        StageGroup<StressEvent> rightTwin = first.Then(new StressVerifier(logs[4]));
        pipeline.After(leftAfter, right, rightTwin).Then(new StressVerifier(logs[5], StressVerifier.Role.CheckMarks));
        if (layout == Layout.GroupsInDiamond)
        {
            pipeline.ShareThread(left, leftAfter).ShareThread(right, rightTwin);
        }

        int expectedThreads = layout switch
        {
            Layout.OneThread => 1,
            Layout.ThreeThreads => 3,
            _ => 4,
        };
        Assert.That(pipeline.Layout, Has.Count.EqualTo(expectedThreads), "threads laid out");
        await StressRun.ProduceAndDrainAsync(pipeline, producers, perProducer);
        return logs;
    }
}

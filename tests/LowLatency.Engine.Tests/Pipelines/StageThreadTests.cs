using LowLatency.Engine.Diagnostics;
using LowLatency.Engine.Pipelines;
using LowLatency.Engine.Processing;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Pipelines;

/// <summary>
/// Stages that share a thread keep everything a stage with its own thread has: its own sequence, fault
/// policy, counters, latency samples, lifecycle and timeout hooks; and the layout is what the host asked for.
/// </summary>
public sealed class StageThreadTests
{
    private const int Events = 100;
    private const long Poison = 42;

    private struct PassThrough : IEventHandler<Slot>
    {
        public readonly void OnEvent(ref Slot data, long sequence, bool endOfBatch)
        {
        }
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task Halt_StageInSharedChainThrows_FaultNamesItAndNeitherItNorTheStageAfterItPassesTheEvent()
    {
        var first = new StageLog();
        var failing = new StageLog { FailOnValue = Poison, FailuresLeft = int.MaxValue };
        var last = new StageLog();
        var pipeline = Pipeline<Slot>.Create(PipelineOptions.Default with { Capacity = 128, WaitStrategy = WaitStrategyKind.Blocking, Threads = 1 });
        StageGroup<Slot> a = pipeline.HandleEventsWith(new RecordingHandler(first), new StageOptions { Name = "a" });
        StageGroup<Slot> b = a.Then(new RecordingHandler(failing), new StageOptions { Name = "risk" });
        StageGroup<Slot> c = b.Then(new RecordingHandler(last), new StageOptions { Name = "c" });
        PublishRange(pipeline, Events);
        pipeline.Start();

        PipelineFaultedException? fault = Assert.ThrowsAsync<PipelineFaultedException>(() => pipeline.Completion);
        Assert.Multiple(() =>
        {
            Assert.That(pipeline.Layout, Has.Count.EqualTo(1), "one thread");
            Assert.That(fault!.Fault.Stage, Is.EqualTo("risk"));
            Assert.That(fault.Fault.Sequence, Is.EqualTo(Poison));
            Assert.That(b.Stages[0].Sequence.ValueAcquire, Is.EqualTo(Poison - 1), "the failing event is not done");
            Assert.That(failing.Values, Is.EqualTo(Enumerable.Range(0, (int)Poison).Select(i => (long)i)));
            Assert.That(last.Values, Has.All.LessThan(Poison), "downstream never passes the failed event");
            Assert.That(c.Stages[0].Sequence.ValueAcquire, Is.LessThan(Poison));
            Assert.That(failing.Shutdown, Is.EqualTo(ShutdownReason.Faulted));
            Assert.That(first.Shutdown, Is.EqualTo(ShutdownReason.Faulted), "the others on the thread end with the pipeline's reason");
            Assert.That(last.Shutdown, Is.EqualTo(ShutdownReason.Faulted));
            Assert.That(a.Stages[0].HasExited && b.Stages[0].HasExited && c.Stages[0].HasExited, Is.True);
        });
        await pipeline.StopAsync();
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task RetryAndDeadLetter_StagesOnOneThread_EachCountsItsOwnAndEveryEventFlowsOn()
    {
        var retried = new StageLog { FailOnValue = Poison, FailuresLeft = 2 };
        var dead = new StageLog { FailOnValue = Poison + 1, FailuresLeft = int.MaxValue };
        var last = new StageLog();
        var letters = new List<DeadLetter<Slot>>();
        await using var pipeline = Pipeline<Slot>.Create(PipelineOptions.Default with { Capacity = 128, WaitStrategy = WaitStrategyKind.Hybrid });
        pipeline.OnDeadLetter(letters.Add);
        StageGroup<Slot> a = pipeline.HandleEventsWith(new RecordingHandler(retried), new StageOptions { Name = "retry", ExceptionPolicy = ExceptionPolicy.Retry(3) });
        StageGroup<Slot> b = a.Then(new RecordingHandler(dead), new StageOptions { Name = "dead", ExceptionPolicy = ExceptionPolicy.DeadLetter });
        StageGroup<Slot> c = b.Then(new RecordingHandler(last));
        pipeline.ShareThread(a, b, c);
        pipeline.Start();
        PublishRange(pipeline, Events);
        await pipeline.DrainAsync();
        Assert.Multiple(() =>
        {
            Assert.That(pipeline.Layout, Has.Count.EqualTo(1));
            Assert.That(retried.Values, Is.EqualTo(Enumerable.Range(0, Events).Select(i => (long)i)), "each event once, in order");
            Assert.That(a.Stages[0].Retries, Is.EqualTo(2));
            Assert.That(a.Stages[0].DeadLettered, Is.Zero);
            Assert.That(b.Stages[0].Retries, Is.Zero);
            Assert.That(b.Stages[0].DeadLettered, Is.EqualTo(1));
            Assert.That(letters.Select(l => (l.Stage, l.Sequence)), Is.EqualTo(new[] { ("dead", Poison + 1) }));
            Assert.That(last.Values, Has.Count.EqualTo(Events), "dead-lettered events still flow on");
            Assert.That(last.Shutdown, Is.EqualTo(ShutdownReason.Drained));
            Assert.That(retried.Starts, Is.EqualTo(1));
        });
    }

    [Test]
    [CancelAfter(10_000)]
    public void Halt_BatchStageInSharedFanOutThrows_ItsSequenceStopsBeforeTheFailingSpan()
    {
        var log = new StageLog { FailOnValue = Poison, FailuresLeft = int.MaxValue };
        var twin = new StageLog();
        var pipeline = Pipeline<Slot>.Create(PipelineOptions.Default with { Capacity = 128, WaitStrategy = WaitStrategyKind.Yielding });
        StageGroup<Slot> failing = pipeline.HandleBatchesWith(new RecordingBatchHandler(log), new StageOptions { MaxBatchSize = 10 });
        StageGroup<Slot> other = pipeline.HandleEventsWith(new RecordingHandler(twin));
        pipeline.ShareThread(failing, other);
        PublishRange(pipeline, Events);
        pipeline.Start();
        PipelineFaultedException? fault = Assert.ThrowsAsync<PipelineFaultedException>(() => pipeline.Completion);
        Assert.Multiple(() =>
        {
            Assert.That(log.Values, Has.All.LessThan(Poison));
            Assert.That(failing.Stages[0].Sequence.ValueAcquire, Is.EqualTo(fault!.Fault.Sequence - 1));
            Assert.That(fault.Fault.Sequence, Is.LessThanOrEqualTo(Poison).And.GreaterThan(Poison - 10));
        });
    }

    [Test]
    [CancelAfter(20_000)]
    public async Task Metrics_StagesOnOneThread_EachReportsItsOwnProcessedLagAndLatency()
    {
        const int interval = 16;
        const int events = 10_000;
        var held = new StageLog();
        await using var pipeline = Pipeline<Slot>.Create(PipelineOptions.Default with
        {
            Name = $"shared-metrics-{Guid.NewGuid():N}",
            Capacity = 64,
            WaitStrategy = WaitStrategyKind.Yielding,
            Threads = 1,
        });
        pipeline.HandleEventsWith(new PassThrough(), StageOptions.Default with { MaxBatchSize = 5 })
            .Then(new PassThrough())
            .Then(new RecordingHandler(held), StageOptions.Default with { Name = "held" });
        using PipelineMetrics metrics = PipelineMetrics.Attach(pipeline, PipelineMetricsOptions.Default with { LatencySampleInterval = interval });
        pipeline.Start();
        for (long i = 0; i < events; i++)
        {
            pipeline.RingBuffer.Publish(new Slot { Value = i });
        }

        await pipeline.DrainAsync();
        PipelineSnapshot snapshot = metrics.CreateSnapshot();
        Assert.Multiple(() =>
        {
            for (int i = 0; i < 3; i++)
            {
                Assert.That(snapshot.Stages[i].Processed, Is.EqualTo(events), $"stage {i} processed");
                Assert.That(snapshot.Stages[i].Lag, Is.Zero, $"stage {i} lag");
                Assert.That(snapshot.Stages[i].Latency.Samples, Is.EqualTo(events / interval), $"stage {i} latency samples");
            }

            Assert.That(snapshot.Stages[2].Name, Is.EqualTo("held"));
        });
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task TimeoutTick_StagesOnOneThreadIdle_EachTimeoutAwareStageIsTicked()
    {
        var a = new StageLog();
        var b = new StageLog();
        await using var pipeline = Pipeline<Slot>.Create(PipelineOptions.Default with
        {
            WaitStrategy = WaitStrategyKind.Blocking,
            TimeoutTick = TimeSpan.FromMilliseconds(5),
            Threads = 1,
        });
        pipeline.HandleEventsWith(new RecordingHandler(a)).Then(new RecordingHandler(b));
        pipeline.Start();
        pipeline.RingBuffer.Publish(new Slot { Value = 1 });
        while (Volatile.Read(ref a.Timeouts) < 3 || Volatile.Read(ref b.Timeouts) < 3)
        {
            await Task.Delay(5);
        }

        await pipeline.DrainAsync();
        Assert.Multiple(() =>
        {
            Assert.That(a.Values, Is.EqualTo(new[] { 1L }));
            Assert.That(b.Values, Is.EqualTo(new[] { 1L }));
        });
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task Stop_SharedThreadHandlerStalled_ExitsOnceReleasedWithStoppedReason()
    {
        var a = new StageLog();
        var b = new StageLog();
        await using var pipeline = Pipeline<Slot>.Create(PipelineOptions.Default with { WaitStrategy = WaitStrategyKind.Hybrid, Threads = 1 });
        pipeline.HandleEventsWith(new RecordingHandler(a)).Then(new RecordingHandler(b));
        a.Gate.Reset();
        pipeline.Start();
        PublishRange(pipeline, 10);

        // The shared thread is inside a's handler (so both stages have started) when the stop is asked for:
        // the stop waits for the handler, and both stages exit as Stopped once it is released.
        Assert.That(a.Entered.Wait(TimeSpan.FromSeconds(10)), Is.True, "a's handler was entered");
        Task stopped = pipeline.StopAsync();
        Assert.That(stopped.IsCompleted, Is.False, "the stop waits for the stalled handler");
        a.Gate.Set();
        await stopped;
        Assert.Multiple(() =>
        {
            Assert.That(a.Shutdown, Is.EqualTo(ShutdownReason.Stopped));
            Assert.That(b.Shutdown, Is.EqualTo(ShutdownReason.Stopped));
            Assert.That(pipeline.Completion.IsCompletedSuccessfully, Is.True);
        });
    }

    [Test]
    public void Layout_ThreadsOption_CutsTheGraphIntoRunsThatCanShare()
    {
        Pipeline<Slot> pipeline = Diamond(threads: 2);
        Assert.That(Names(pipeline), Is.EqualTo(new[] { "first", "left+leftAfter+right+rightTwin+join" }), "the most even cut of two");
        pipeline = Diamond(threads: 3);
        Assert.That(Names(pipeline), Is.EqualTo(new[] { "first+left+leftAfter", "right+rightTwin", "join" }));
        pipeline = Diamond(threads: 0);
        Assert.That(Names(pipeline), Has.Count.EqualTo(6), "a thread per stage by default");
        pipeline = Diamond(threads: 1);
        Assert.That(Names(pipeline), Is.EqualTo(new[] { "first+left+leftAfter+right+rightTwin+join" }));
    }

    [Test]
    public void ShareThread_StagesWithDifferentOutsideInputs_FailsNamingThem()
    {
        var pipeline = Pipeline<Slot>.Create();
        StageGroup<Slot> first = pipeline.HandleEventsWith(new PassThrough(), new StageOptions { Name = "first" });
        StageGroup<Slot> left = first.Then(new PassThrough(), new StageOptions { Name = "left" });
        StageGroup<Slot> other = pipeline.HandleEventsWith(new PassThrough(), new StageOptions { Name = "other" });
        Assert.That(() => pipeline.ShareThread(left, other), Throws.InvalidOperationException.With.Message.Contains("'left', 'other'"));
        pipeline.ShareThread(first, left);
        Assert.That(() => pipeline.ShareThread(left), Throws.InvalidOperationException.With.Message.Contains("'left' already shares a thread"));
    }

    [Test]
    public void ShareThread_WithThreadsOption_FailsSayingUseOne()
    {
        var pipeline = Pipeline<Slot>.Create(PipelineOptions.Default with { Threads = 2 });
        StageGroup<Slot> first = pipeline.HandleEventsWith(new PassThrough());
        Assert.That(() => pipeline.ShareThread(first), Throws.InvalidOperationException.With.Message.Contains("not both"));
        Assert.That(() => Pipeline<Slot>.Create(PipelineOptions.Default with { Threads = -1 }), Throws.ArgumentException.With.Message.Contains("PipelineOptions.Threads"));
    }

    private static Pipeline<Slot> Diamond(int threads)
    {
        var pipeline = Pipeline<Slot>.Create(PipelineOptions.Default with { Threads = threads });
        StageGroup<Slot> first = pipeline.HandleEventsWith(new PassThrough(), new StageOptions { Name = "first" });
        StageGroup<Slot> left = first.Then(new PassThrough(), new StageOptions { Name = "left" });
        StageGroup<Slot> leftAfter = left.Then(new PassThrough(), new StageOptions { Name = "leftAfter" });
        StageGroup<Slot> right = first.Then(new PassThrough(), new StageOptions { Name = "right" });
        StageGroup<Slot> rightTwin = first.Then(new PassThrough(), new StageOptions { Name = "rightTwin" });
        pipeline.After(leftAfter, right, rightTwin).Then(new PassThrough(), new StageOptions { Name = "join" });
        return pipeline;
    }

    private static List<string> Names(Pipeline<Slot> pipeline) =>
        [.. pipeline.Layout.Select(thread => string.Join('+', thread.Select(stage => stage.Name)))];

    private static void PublishRange(Pipeline<Slot> pipeline, int count)
    {
        for (long i = 0; i < count; i++)
        {
            pipeline.RingBuffer.Publish(new Slot { Value = i });
        }
    }
}

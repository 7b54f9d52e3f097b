using LowLatency.Engine.Pipelines;
using LowLatency.Engine.Processing;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Processing;

public sealed class ExceptionPolicyTests
{
    private const int Events = 100;
    private const long Poison = 42;

    [Test]
    [CancelAfter(10_000)]
    public async Task Halt_WhenHandlerThrows_SurfacesFaultAndNothingAfterItCountsAsDone()
    {
        var first = new StageLog { FailOnValue = Poison, FailuresLeft = int.MaxValue };
        var second = new StageLog();
        var pipeline = Pipeline<Slot>.Create(PipelineOptions.Default with { Capacity = 128, WaitStrategy = WaitStrategyKind.Blocking });
        StageGroup<Slot> failing = pipeline.HandleEventsWith(new RecordingHandler(first), new StageOptions { Name = "risk" });
        failing.Then(new RecordingHandler(second));

        // Published before Start: the fault closes the ring, and a publish racing it would be refused.
        PublishRange(pipeline, Events);
        pipeline.Start();

        PipelineFaultedException? fault = Assert.ThrowsAsync<PipelineFaultedException>(() => pipeline.Completion);
        Assert.Multiple(() =>
        {
            Assert.That(fault!.Fault.Stage, Is.EqualTo("risk"));
            Assert.That(fault.Fault.Sequence, Is.EqualTo(Poison));
            Assert.That(fault.InnerException, Is.TypeOf<InvalidOperationException>());
            Assert.That(pipeline.Fault, Is.SameAs(fault.Fault));
            Assert.That(failing.Stages[0].Sequence.ValueAcquire, Is.EqualTo(Poison - 1), "the failing event is not done");
            Assert.That(first.Values, Is.EqualTo(Enumerable.Range(0, (int)Poison).Select(i => (long)i)));
            Assert.That(second.Values.Count, Is.LessThanOrEqualTo(Poison), "downstream never passes the failed event");
            Assert.That(first.Shutdown, Is.EqualTo(ShutdownReason.Faulted));
            Assert.That(pipeline.RingBuffer.TryPublish(new Slot()), Is.EqualTo(PublishResult.Closed));
            Assert.That(() => pipeline.RingBuffer.Next(), Throws.TypeOf<PipelineClosedException>().With.InnerException.TypeOf<InvalidOperationException>());
        });
        Assert.ThrowsAsync<PipelineFaultedException>(() => pipeline.DrainAsync(), "drain surfaces the fault");
        await pipeline.StopAsync();
        await pipeline.StopAsync();
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task Retry_WhenHandlerFailsTwiceThenSucceeds_EveryEventHandledOnceAndRetriesCounted()
    {
        var log = new StageLog { FailOnValue = Poison, FailuresLeft = 2 };
        await using var pipeline = Pipeline<Slot>.Create(PipelineOptions.Default with { Capacity = 128, WaitStrategy = WaitStrategyKind.Blocking });
        StageGroup<Slot> stage = pipeline.HandleEventsWith(new RecordingHandler(log), new StageOptions { ExceptionPolicy = ExceptionPolicy.Retry(3) });
        pipeline.Start();
        PublishRange(pipeline, Events);
        await pipeline.DrainAsync();
        Assert.Multiple(() =>
        {
            Assert.That(log.Values, Is.EqualTo(Enumerable.Range(0, Events).Select(i => (long)i)), "each event once, in order");
            Assert.That(stage.Stages[0].Retries, Is.EqualTo(2));
            Assert.That(stage.Stages[0].DeadLettered, Is.Zero);
            Assert.That(pipeline.Fault, Is.Null);
        });
    }

    [Test]
    [CancelAfter(10_000)]
    public void Retry_WhenRetriesExhausted_HaltsAtTheFailingEvent()
    {
        var log = new StageLog { FailOnValue = Poison, FailuresLeft = int.MaxValue };
        var pipeline = Pipeline<Slot>.Create(PipelineOptions.Default with { Capacity = 128, WaitStrategy = WaitStrategyKind.Blocking });
        StageGroup<Slot> stage = pipeline.HandleEventsWith(new RecordingHandler(log), new StageOptions { ExceptionPolicy = ExceptionPolicy.Retry(3) });
        PublishRange(pipeline, Events);
        pipeline.Start();
        PipelineFaultedException? fault = Assert.ThrowsAsync<PipelineFaultedException>(() => pipeline.Completion);
        Assert.Multiple(() =>
        {
            Assert.That(fault!.Fault.Sequence, Is.EqualTo(Poison));
            Assert.That(stage.Stages[0].Retries, Is.EqualTo(3), "bounded");
            Assert.That(log.Values.Count, Is.EqualTo(Poison));
        });
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task DeadLetter_WhenHandlerThrows_EventGoesToCallbackIsCountedAndTheRestIsHandled()
    {
        var log = new StageLog { FailOnValue = Poison, FailuresLeft = int.MaxValue };
        var downstream = new StageLog();
        var letters = new List<DeadLetter<Slot>>();
        await using var pipeline = Pipeline<Slot>.Create(PipelineOptions.Default with { Capacity = 128, WaitStrategy = WaitStrategyKind.Blocking });
        pipeline.OnDeadLetter(letters.Add);
        StageGroup<Slot> stage = pipeline.HandleEventsWith(new RecordingHandler(log), new StageOptions { Name = "parse", ExceptionPolicy = ExceptionPolicy.Retry(2, then: FaultAction.DeadLetter) });
        stage.Then(new RecordingHandler(downstream));
        pipeline.Start();
        PublishRange(pipeline, Events);
        await pipeline.DrainAsync();
        Assert.Multiple(() =>
        {
            Assert.That(log.Values, Is.EqualTo(Enumerable.Range(0, Events).Where(i => i != Poison).Select(i => (long)i)));
            Assert.That(downstream.Values.Count, Is.EqualTo(Events), "dead-lettered events still flow on; downstream decides");
            Assert.That(stage.Stages[0].DeadLettered, Is.EqualTo(1));
            Assert.That(stage.Stages[0].Retries, Is.EqualTo(2));
            Assert.That(letters, Has.Count.EqualTo(1));
            Assert.That(letters[0].Stage, Is.EqualTo("parse"));
            Assert.That(letters[0].Sequence, Is.EqualTo(Poison));
            Assert.That(letters[0].Event.Value, Is.EqualTo(Poison));
            Assert.That(letters[0].Error.Message, Is.EqualTo("boom at 42"));
        });
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task DeadLetter_BatchHandlerThrows_EveryEventOfTheSpanIsDeadLettered()
    {
        var log = new StageLog { FailOnValue = Poison, FailuresLeft = int.MaxValue };
        var letters = new List<DeadLetter<Slot>>();
        await using var pipeline = Pipeline<Slot>.Create(PipelineOptions.Default with { Capacity = 128, WaitStrategy = WaitStrategyKind.Blocking });
        pipeline.OnDeadLetter(letters.Add);
        StageGroup<Slot> stage = pipeline.HandleBatchesWith(new RecordingBatchHandler(log), new StageOptions { ExceptionPolicy = ExceptionPolicy.DeadLetter });
        pipeline.Start();
        pipeline.RingBuffer.PublishBatch([.. Enumerable.Range(0, Events).Select(i => new Slot { Value = i })]);
        await pipeline.DrainAsync();
        Assert.Multiple(() =>
        {
            Assert.That(log.Values.Count + letters.Count, Is.EqualTo(Events), "every event either handled or dead-lettered");
            Assert.That(letters.Select(l => l.Event.Value), Does.Contain(Poison));
            Assert.That(stage.Stages[0].DeadLettered, Is.EqualTo(letters.Count));
            Assert.That(log.Values.Intersect(letters.Select(l => l.Event.Value)), Is.Empty, "no event both handled and dead-lettered");
        });
    }

    [Test]
    [CancelAfter(10_000)]
    public void Halt_BatchHandlerThrows_SequenceStopsBeforeTheFailingSpan()
    {
        var log = new StageLog { FailOnValue = Poison, FailuresLeft = int.MaxValue };
        var pipeline = Pipeline<Slot>.Create(PipelineOptions.Default with { Capacity = 128, WaitStrategy = WaitStrategyKind.Blocking });
        StageGroup<Slot> stage = pipeline.HandleBatchesWith(new RecordingBatchHandler(log), new StageOptions { MaxBatchSize = 10 });
        PublishRange(pipeline, Events);
        pipeline.Start();
        PipelineFaultedException? fault = Assert.ThrowsAsync<PipelineFaultedException>(() => pipeline.Completion);
        Assert.Multiple(() =>
        {
            Assert.That(log.Values, Has.All.LessThan(Poison));
            Assert.That(stage.Stages[0].Sequence.ValueAcquire, Is.EqualTo(fault!.Fault.Sequence - 1));
            Assert.That(fault.Fault.Sequence, Is.LessThanOrEqualTo(Poison).And.GreaterThan(Poison - 10));
        });
    }

    [Test]
    public void Options_WithInvalidRetryPolicy_FailAtBuildNamingTheOption()
    {
        var pipeline = Pipeline<Slot>.Create();
        Assert.That(
            () => pipeline.HandleEventsWith(new RecordingHandler(new StageLog()), new StageOptions { ExceptionPolicy = ExceptionPolicy.Retry(0) }),
            Throws.ArgumentException.With.Message.Contains("StageOptions.ExceptionPolicy.MaxRetries"));
    }

    private static void PublishRange(Pipeline<Slot> pipeline, int count)
    {
        for (long i = 0; i < count; i++)
        {
            pipeline.RingBuffer.Publish(new Slot { Value = i });
        }
    }
}

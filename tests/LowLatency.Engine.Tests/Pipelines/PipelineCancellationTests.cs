using LowLatency.Engine.Pipelines;
using LowLatency.Engine.Processing;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Pipelines;

/// <summary>
/// Cancellation tokens on the lifecycle: a cancelled drain turns into a stop (the host's shutdown timeout
/// ran out), a cancelled stop abandons the wait for a hung handler, and neither leaves the pipeline running.
/// </summary>
public sealed class PipelineCancellationTests
{
    private const int Events = 100;

    [Test]
    [CancelAfter(30_000)]
    public async Task DrainAsync_TokenAlreadyCancelled_StopsWithoutHandlingTheBacklog()
    {
        var log = new StageLog();
        log.Gate.Reset();
        await using var pipeline = Pipeline<Slot>.Create(PipelineOptions.Default with { Capacity = 128, WaitStrategy = WaitStrategyKind.Blocking });
        pipeline.HandleEventsWith(new RecordingHandler(log), new StageOptions { Name = "slow", MaxBatchSize = 1 });
        pipeline.Start();
        PublishValues(pipeline, Events);
        Assert.That(log.Entered.Wait(TimeSpan.FromSeconds(10)), Is.True, "the stage holds the first event");

        // Already cancelled: the stop is requested before DrainAsync returns, so releasing the stage after it
        // lets it finish the event in hand and nothing more.
        Task drain = pipeline.DrainAsync(new CancellationToken(canceled: true));
        log.Gate.Set();

        Assert.That(async () => await drain, Throws.InstanceOf<OperationCanceledException>());
        await pipeline.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Multiple(() =>
        {
            Assert.That(log.Shutdown, Is.EqualTo(ShutdownReason.Stopped), "the drain became a stop");
            Assert.That(log.Values, Has.Count.LessThanOrEqualTo(2), "the backlog was not handled");
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task DrainAsync_TokenCancelledWhileWaiting_StopsAndThrowsOperationCanceled()
    {
        var log = new StageLog();
        log.Gate.Reset();
        await using var pipeline = Pipeline<Slot>.Create(PipelineOptions.Default with { Capacity = 128, WaitStrategy = WaitStrategyKind.Blocking });
        pipeline.HandleEventsWith(new RecordingHandler(log), new StageOptions { Name = "slow", MaxBatchSize = 1 });
        pipeline.Start();
        PublishValues(pipeline, Events);
        Assert.That(log.Entered.Wait(TimeSpan.FromSeconds(10)), Is.True);

        using var shutdown = new CancellationTokenSource();
        Task drain = pipeline.DrainAsync(shutdown.Token);
        Assert.That(drain.IsCompleted, Is.False, "the drain waits for the stalled stage");
        await shutdown.CancelAsync();
        log.Gate.Set();

        Assert.That(async () => await drain, Throws.InstanceOf<OperationCanceledException>());
        await pipeline.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(log.Shutdown, Is.EqualTo(ShutdownReason.Stopped).Or.EqualTo(ShutdownReason.Drained),
            "stopped; Drained only if the stage caught up before the cancellation arrived");
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task DrainAsync_TokenNeverCancelled_DrainsEverything()
    {
        var log = new StageLog();
        await using var pipeline = Pipeline<Slot>.Create(PipelineOptions.Default with { Capacity = 128, WaitStrategy = WaitStrategyKind.Blocking });
        pipeline.HandleEventsWith(new RecordingHandler(log));
        pipeline.Start();
        PublishValues(pipeline, Events);
        using var shutdown = new CancellationTokenSource();

        await pipeline.DrainAsync(shutdown.Token);

        Assert.Multiple(() =>
        {
            Assert.That(log.Values, Is.EqualTo(Enumerable.Range(0, Events).Select(i => (long)i)));
            Assert.That(log.Shutdown, Is.EqualTo(ShutdownReason.Drained));
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task StopAsync_TokenCancelledWhileAHandlerHangs_ThrowsInsteadOfWaitingTheStopTimeout()
    {
        var log = new StageLog();
        log.Gate.Reset();
        var pipeline = Pipeline<Slot>.Create(PipelineOptions.Default with { Capacity = 128, WaitStrategy = WaitStrategyKind.Blocking, StopTimeout = TimeSpan.FromMinutes(5) });
        pipeline.HandleEventsWith(new RecordingHandler(log), new StageOptions { Name = "hung" });
        pipeline.Start();
        PublishValues(pipeline, 1);
        Assert.That(log.Entered.Wait(TimeSpan.FromSeconds(10)), Is.True);

        using var impatient = new CancellationTokenSource();
        Task stop = pipeline.StopAsync(impatient.Token);
        await impatient.CancelAsync();

        Assert.That(async () => await stop, Throws.InstanceOf<OperationCanceledException>());
        log.Gate.Set();
        await pipeline.StopAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(log.Shutdown, Is.EqualTo(ShutdownReason.Stopped));
    }

    private static void PublishValues(Pipeline<Slot> pipeline, int count)
    {
        for (int i = 0; i < count; i++)
        {
            long sequence = pipeline.RingBuffer.Next();
            pipeline.RingBuffer[sequence].Value = i;
            pipeline.RingBuffer.Publish(sequence);
        }
    }
}

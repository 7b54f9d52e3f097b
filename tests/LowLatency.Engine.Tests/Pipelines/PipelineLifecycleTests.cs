using System.Diagnostics;
using LowLatency.Engine.Pipelines;
using LowLatency.Engine.Processing;
using LowLatency.Testing;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Pipelines;

public sealed class PipelineLifecycleTests
{
    [TestCase(ProducerType.Single)]
    [TestCase(ProducerType.Multi)]
    [CancelAfter(20_000)]
    public async Task StopAsync_UnderLoadWithBlockedProducers_ReturnsWithinASecondReleasesProducersAndThreadsReturnToBaseline(ProducerType type)
    {
        int baseline = ThreadCounter.Current;
        var log = new StageLog();
        var pipeline = Pipeline<Slot>.Create(PipelineOptions.Default with { Capacity = 64, ProducerType = type, WaitStrategy = WaitStrategyKind.Yielding });
        pipeline.HandleEventsWith(new RecordingHandler(log)).Then(new RecordingHandler(new StageLog()));
        pipeline.Start();

        // Producers publish flat out; with the consumer gated most of them sit blocked in Next on a full ring.
        int producers = type == ProducerType.Single ? 1 : 4;
        var released = new Exception?[producers];
        var threads = Enumerable.Range(0, producers).Select(p => new Thread(() =>
        {
            try
            {
                for (long i = 0; ; i++)
                {
                    pipeline.RingBuffer.Publish(new Slot { Value = i });
                    if (i == 10_000)
                    {
                        log.Gate.Reset();
                    }
                }
            }
            catch (PipelineClosedException ex)
            {
                released[p] = ex;
            }
        })).ToArray();
        foreach (Thread thread in threads)
        {
            thread.Start();
        }

        await RingBufferWaitForFull(pipeline);
        log.Gate.Set();
        var clock = Stopwatch.StartNew();
        await pipeline.StopAsync();
        TimeSpan stopTook = clock.Elapsed;
        foreach (Thread thread in threads)
        {
            Assert.That(thread.Join(5_000), Is.True, "a blocked producer was released");
        }

        Assert.Multiple(() =>
        {
            Assert.That(stopTook, Is.LessThan(TimeSpan.FromSeconds(1)));
            Assert.That(released, Has.All.TypeOf<PipelineClosedException>());
            Assert.That(log.Shutdown, Is.EqualTo(ShutdownReason.Stopped));
            Assert.That(pipeline.Completion.IsCompletedSuccessfully, Is.True);
            Assert.That(pipeline.StopAsync().IsCompleted, Is.True, "a second stop is a no-op");
            Assert.That(ThreadCounter.WaitForAtMost(baseline, TimeSpan.FromSeconds(5)), Is.LessThanOrEqualTo(baseline), "thread count back to baseline");
        });
        await pipeline.DisposeAsync();
    }

    [Test]
    [CancelAfter(20_000)]
    public async Task StopAsync_AfterFatalHandlerError_ReturnsAtOnceAndReleasesBlockedProducers()
    {
        int baseline = ThreadCounter.Current;
        var log = new StageLog { FailOnValue = 500, FailuresLeft = int.MaxValue };
        var pipeline = Pipeline<Slot>.Create(PipelineOptions.Default with { Capacity = 64, WaitStrategy = WaitStrategyKind.Blocking });
        pipeline.HandleEventsWith(new RecordingHandler(log));
        pipeline.Start();
        Exception? released = null;
        var producer = new Thread(() =>
        {
            try
            {
                for (long i = 0; ; i++)
                {
                    pipeline.RingBuffer.Publish(new Slot { Value = i });
                }
            }
            catch (PipelineClosedException ex)
            {
                released = ex;
            }
        });
        producer.Start();

        Assert.ThrowsAsync<PipelineFaultedException>(() => pipeline.Completion);
        Assert.That(producer.Join(5_000), Is.True, "the producer blocked on the full ring was released");
        var clock = Stopwatch.StartNew();
        await pipeline.StopAsync();
        await pipeline.StopAsync();
        await pipeline.DisposeAsync();
        Assert.Multiple(() =>
        {
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(1)));
            Assert.That(released, Is.TypeOf<PipelineClosedException>().And.Message.Contains("halted by a fault"));
            Assert.That(released!.InnerException!.Message, Is.EqualTo("boom at 500"));
            Assert.That(log.Shutdown, Is.EqualTo(ShutdownReason.Faulted));
            Assert.That(ThreadCounter.WaitForAtMost(baseline, TimeSpan.FromSeconds(5)), Is.LessThanOrEqualTo(baseline));
        });
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task DrainAsync_HandlesEveryPublishedEventThenShutsDownWithDrained_AndIsIdempotent()
    {
        var log = new StageLog();
        var pipeline = Pipeline<Slot>.Create(PipelineOptions.Default with { Capacity = 16, WaitStrategy = WaitStrategyKind.Hybrid });
        pipeline.HandleEventsWith(new RecordingHandler(log));
        pipeline.Start();
        for (long i = 0; i < 1_000; i++)
        {
            pipeline.RingBuffer.Publish(new Slot { Value = i });
        }

        Task first = pipeline.DrainAsync();
        Task second = pipeline.DrainAsync();
        await first;
        Assert.Multiple(() =>
        {
            Assert.That(second, Is.SameAs(first));
            Assert.That(log.Values, Has.Count.EqualTo(1_000));
            Assert.That(log.Starts, Is.EqualTo(1));
            Assert.That(log.Shutdown, Is.EqualTo(ShutdownReason.Drained));
            Assert.That(pipeline.RingBuffer.TryPublish(new Slot()), Is.EqualTo(PublishResult.Closed));
            Assert.That(pipeline.StopAsync().IsCompletedSuccessfully, Is.True, "stop after drain is a no-op");
        });
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task DrainAsync_WhenAStageIsHung_GivesUpAfterDrainTimeoutNamingTheStage()
    {
        var log = new StageLog();
        log.Gate.Reset();
        var pipeline = Pipeline<Slot>.Create(PipelineOptions.Default with
        {
            Capacity = 16,
            WaitStrategy = WaitStrategyKind.Blocking,
            DrainTimeout = TimeSpan.FromMilliseconds(200),
            StopTimeout = TimeSpan.FromMilliseconds(200),
        });
        pipeline.HandleEventsWith(new RecordingHandler(log), new StageOptions { Name = "hung" });
        pipeline.Start();
        pipeline.RingBuffer.Publish(new Slot());
        Assert.That(log.Entered.Wait(5_000), Is.True);

        Assert.That(() => pipeline.DrainAsync(), Throws.TypeOf<TimeoutException>().With.Message.Contains("'hung'"));
        log.Gate.Set();
        await pipeline.Completion;
    }

    [Test]
    public void StartAndBuild_InTheWrongOrder_ThrowClearly()
    {
        var pipeline = Pipeline<Slot>.Create();
        Assert.That(pipeline.Start, Throws.InvalidOperationException.With.Message.Contains("no stages"));
        pipeline.HandleEventsWith(new RecordingHandler(new StageLog()));
        pipeline.Start();
        Assert.Multiple(() =>
        {
            Assert.That(pipeline.Start, Throws.InvalidOperationException.With.Message.Contains("already started"));
            Assert.That(() => pipeline.HandleEventsWith(new RecordingHandler(new StageLog())), Throws.InvalidOperationException);
        });
        pipeline.StopAsync().Wait(5_000);
    }

    [TestCase(0, "PipelineOptions.Capacity")]
    [TestCase(1000, "PipelineOptions.Capacity")]
    public void Create_WithInvalidCapacity_FailsNamingTheOption(int capacity, string option)
    {
        Assert.That(() => Pipeline<Slot>.Create(PipelineOptions.Default with { Capacity = capacity }),
            Throws.ArgumentException.With.Message.Contains(option));
    }

    [Test]
    public void Create_WithInvalidTimeouts_FailsNamingTheOption()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => Pipeline<Slot>.Create(PipelineOptions.Default with { StopTimeout = TimeSpan.Zero }),
                Throws.ArgumentException.With.Message.Contains("PipelineOptions.StopTimeout"));
            Assert.That(() => Pipeline<Slot>.Create(PipelineOptions.Default with { TimeoutTick = TimeSpan.FromSeconds(-1) }),
                Throws.ArgumentException.With.Message.Contains("PipelineOptions.TimeoutTick"));
            Assert.That(() => Pipeline<Slot>.Create(PipelineOptions.Default with { BackoffInterval = TimeSpan.Zero }),
                Throws.ArgumentException.With.Message.Contains("PipelineOptions.BackoffInterval"));
            Assert.That(() => Pipeline<Slot>.Create(PipelineOptions.Default with { BackoffInterval = TimeSpan.FromMilliseconds(2) }),
                Throws.ArgumentException.With.Message.Contains("PipelineOptions.BackoffInterval"));
            Assert.That(() => Pipeline<Slot>.Create().HandleEventsWith(new RecordingHandler(new StageLog()), new StageOptions { MaxBatchSize = 0 }),
                Throws.ArgumentException.With.Message.Contains("StageOptions.MaxBatchSize"));
        });
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task MaxBatchSize_CapsEveryBatchHandedToTheHandler()
    {
        var log = new StageLog();
        log.Gate.Reset();
        await using var pipeline = Pipeline<Slot>.Create(PipelineOptions.Default with { Capacity = 256, WaitStrategy = WaitStrategyKind.Blocking });
        pipeline.HandleEventsWith(new RecordingHandler(log), new StageOptions { MaxBatchSize = 7 });
        pipeline.Start();
        for (long i = 0; i < 200; i++)
        {
            pipeline.RingBuffer.Publish(new Slot { Value = i });
        }

        log.Gate.Set();
        await pipeline.DrainAsync();
        Assert.Multiple(() =>
        {
            Assert.That(log.Batches.Max(b => b.Count), Is.LessThanOrEqualTo(7));
            Assert.That(log.Batches.Sum(b => b.Count), Is.EqualTo(200));
            Assert.That(log.Values, Is.EqualTo(Enumerable.Range(0, 200).Select(i => (long)i)));
        });
    }

    private static async Task RingBufferWaitForFull(Pipeline<Slot> pipeline)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (pipeline.RingBuffer.Occupancy < pipeline.RingBuffer.Capacity)
        {
            await Task.Delay(1, timeout.Token);
        }
    }
}

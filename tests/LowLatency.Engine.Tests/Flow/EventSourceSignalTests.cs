// These tests look at a capacity wait (IsCompleted) before awaiting it, which is the point of them.
#pragma warning disable CA2012

using LowLatency.Engine.Flow;
using LowLatency.Engine.Pipelines;
using LowLatency.Engine.Processing;
using LowLatency.Engine.Sequencing;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Flow;

/// <summary>
/// Pause/resume with hysteresis and the allocation-free capacity wait, stepped one event at a time on a
/// ring of 16 (high mark 12, low mark 4) gated by a poller the test drives.
/// </summary>
public sealed class EventSourceSignalTests
{
    private sealed class SignalLog
    {
        private readonly Lock _lock = new();
        private readonly List<string> _signals = [];

        public void Add(string signal)
        {
            lock (_lock)
            {
                _signals.Add(signal);
            }
        }

        public string[] Snapshot()
        {
            lock (_lock)
            {
                return [.. _signals];
            }
        }
    }

    private struct Discard : IEventHandler<Quote>
    {
        public readonly void OnEvent(ref Quote data, long sequence, bool endOfBatch)
        {
        }
    }

    private static (Pipeline<Quote> Pipeline, EventPoller<Quote> Poller, EventSource<Quote> Source, SignalLog Log) Setup()
    {
        var log = new SignalLog();
        var pipeline = Pipeline<Quote>.Create(PipelineOptions.Default with { Capacity = 16, WaitStrategy = WaitStrategyKind.Yielding });
        EventPoller<Quote> poller = pipeline.CreatePoller(maxBatchSize: 1);
        EventSource<Quote> source = pipeline.CreateSource(EventSourceOptions.Default with
        {
            Policy = OverflowPolicy.Reject,
            OnPause = () => log.Add("pause"),
            OnResume = () => log.Add("resume"),
        });
        return (pipeline, poller, source, log);
    }

    private static string[] Expected(int signals) => [.. Enumerable.Range(0, signals).Select(i => i % 2 == 0 ? "pause" : "resume")];

    private static void PollOne(EventPoller<Quote> poller)
    {
        // No Assert here: constraints allocate, and the allocation test polls through this.
        var handler = new Discard();
        if (poller.Poll(ref handler) != EventPoller<Quote>.PollState.Processing)
        {
            Assert.Fail("the poller found nothing to handle");
        }
    }

    [Test]
    [CancelAfter(10_000)]
    public void Signals_OccupancyCrossesMarksTwice_PauseAndResumeFireOncePerCrossingInOrder()
    {
        (_, EventPoller<Quote> poller, EventSource<Quote> source, SignalLog log) = Setup();
        using (source)
        {
            Assert.That((source.HighMark, source.LowMark), Is.EqualTo((12L, 4L)));
            Sequencer ring = source.Sequencer;
            for (int round = 1; round <= 2; round++)
            {
                int before = (2 * round) - 2;

                // Rise: nothing below the high mark, one pause at it, nothing more up to a full ring and beyond.
                while (ring.Occupancy < 11)
                {
                    source.Offer(default);
                    Assert.That(log.Snapshot(), Is.EqualTo(Expected(before)), $"round {round}, occupancy {ring.Occupancy}: below the high mark");
                }

                source.Offer(default);
                Assert.That(log.Snapshot(), Is.EqualTo(Expected(before + 1)), $"round {round}: at the high mark");
                Assert.That(source.IsPaused, Is.True);
                for (int extra = 0; extra < 6; extra++)
                {
                    source.Offer(default);
                    Assert.That(log.Snapshot(), Is.EqualTo(Expected(before + 1)), $"round {round}, occupancy {ring.Occupancy}: still one pause");
                }

                // Fall: nothing above the low mark (hysteresis), one resume at it, nothing more down to empty.
                while (ring.Occupancy > 5)
                {
                    PollOne(poller);
                    Assert.That(log.Snapshot(), Is.EqualTo(Expected(before + 1)), $"round {round}, occupancy {ring.Occupancy}: above the low mark");
                }

                PollOne(poller);
                Assert.That(ring.Occupancy, Is.EqualTo(4));
                Assert.That(log.Snapshot(), Is.EqualTo(Expected(before + 2)), $"round {round}: at the low mark");
                Assert.That(source.IsPaused, Is.False);
                while (ring.Occupancy > 0)
                {
                    PollOne(poller);
                    Assert.That(log.Snapshot(), Is.EqualTo(Expected(before + 2)), $"round {round}, occupancy {ring.Occupancy}: below the low mark");
                }
            }

            Assert.That(log.Snapshot(), Is.EqualTo(new[] { "pause", "resume", "pause", "resume" }));
            Assert.That((source.Pauses, source.Resumes), Is.EqualTo((2L, 2L)));
        }
    }

    [Test]
    [CancelAfter(10_000)]
    public void Signals_FirstPauseAndResumeOfANewSource_AllocateNothing()
    {
        var pipeline = Pipeline<Quote>.Create(PipelineOptions.Default with { Capacity = 16, WaitStrategy = WaitStrategyKind.Yielding });
        EventPoller<Quote> poller = pipeline.CreatePoller(maxBatchSize: 1);
        var signals = new int[2];
        using EventSource<Quote> source = pipeline.CreateSource(EventSourceOptions.Default with
        {
            Policy = OverflowPolicy.Reject,
            OnPause = () => Interlocked.Increment(ref signals[0]),
            OnResume = () => Interlocked.Increment(ref signals[1]),
        });
        Sequencer ring = source.Sequencer;
        var quote = default(Quote);

        long before = GC.GetAllocatedBytesForCurrentThread();
        while (ring.Occupancy < 16)
        {
            source.Offer(in quote);
        }

        while (ring.Occupancy > 0)
        {
            PollOne(poller);
        }

        long bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Multiple(() =>
        {
            Assert.That(signals, Is.EqualTo(new[] { 1, 1 }));
            Assert.That(bytes, Is.Zero, "the backstop timer is created and its machinery started with the source, not at the first pause");
        });
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task WaitForCapacityAsync_WhilePaused_CompletesTrueOnlyAtTheLowMark()
    {
        (_, EventPoller<Quote> poller, EventSource<Quote> source, _) = Setup();
        using (source)
        {
            Assert.That(source.WaitForCapacityAsync().IsCompletedSuccessfully, Is.True, "not paused: completes at once");
            for (int i = 0; i < 16; i++)
            {
                source.Offer(default);
            }

            ValueTask<bool> wait = source.WaitForCapacityAsync();
            Assert.That(wait.IsCompleted, Is.False);
            for (int i = 0; i < 11; i++)
            {
                PollOne(poller);
            }

            Assert.That(wait.IsCompleted, Is.False, "occupancy 5: above the low mark");
            PollOne(poller);
            Assert.That(await wait, Is.True);
        }
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task WaitForCapacityAsync_RingClosedWhileWaiting_CompletesFalse()
    {
        (Pipeline<Quote> pipeline, _, EventSource<Quote> source, _) = Setup();
        using (source)
        {
            for (int i = 0; i < 16; i++)
            {
                source.Offer(default);
            }

            ValueTask<bool> wait = source.WaitForCapacityAsync();
            Assert.That(wait.IsCompleted, Is.False);
            await pipeline.StopAsync();
            Assert.That(await wait, Is.False);
            Assert.That(await source.WaitForCapacityAsync(), Is.False, "closed: completes at once");
        }
    }

    [Test]
    [CancelAfter(10_000)]
    public void WaitForCapacityAsync_Canceled_ThrowsOperationCanceled()
    {
        (_, _, EventSource<Quote> source, _) = Setup();
        using (source)
        {
            for (int i = 0; i < 16; i++)
            {
                source.Offer(default);
            }

            using var cts = new CancellationTokenSource();
            ValueTask<bool> wait = source.WaitForCapacityAsync(cts.Token);
            cts.Cancel();
            Assert.That(async () => await wait, Throws.InstanceOf<OperationCanceledException>());
        }
    }

    [Test]
    [CancelAfter(20_000)]
    public void WaitForCapacityAsync_RepeatedPauseResumeCycles_AllocateNothingPerWait()
    {
        var pipeline = Pipeline<Quote>.Create(PipelineOptions.Default with { Capacity = 16, WaitStrategy = WaitStrategyKind.Yielding });
        EventPoller<Quote> poller = pipeline.CreatePoller(maxBatchSize: 1);
        var signals = new int[2];
        using (EventSource<Quote> source = pipeline.CreateSource(EventSourceOptions.Default with
        {
            Policy = OverflowPolicy.Reject,
            OnPause = () => Interlocked.Increment(ref signals[0]),
            OnResume = () => Interlocked.Increment(ref signals[1]),
        }))
        {
            void Cycle()
            {
                while (source.Sequencer.Occupancy < 16)
                {
                    source.Offer(default);
                }

                ValueTask<bool> wait = source.WaitForCapacityAsync();
                while (source.Sequencer.Occupancy > 0)
                {
                    PollOne(poller);
                }

                // Resumed at the low mark: a pool thread completes the wait.
                while (!wait.IsCompleted)
                {
                    Thread.Yield();
                }

                if (!wait.GetAwaiter().GetResult())
                {
                    Assert.Fail("the wait completed false on an open ring");
                }
            }

            for (int i = 0; i < 100; i++)
            {
                Cycle();
            }

            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 1_000; i++)
            {
                Cycle();
            }

            Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
            Assert.That(source.Pauses, Is.EqualTo(1_100));
            Assert.That(signals, Is.EqualTo(new[] { 1_100, 1_100 }));
        }
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Signals_ThreadedSlowConsumer_AlternateStrictlyAndEndResumed()
    {
        var log = new SignalLog();
        var verifier = new QuoteVerifier(1) { SlowSpins = 100 };
        await using var pipeline = Pipeline<Quote>.Create(PipelineOptions.Default with { Capacity = 64, WaitStrategy = WaitStrategyKind.Yielding });
        pipeline.HandleEventsWith(new VerifyingHandler(verifier));
        pipeline.Start();
        using EventSource<Quote> source = pipeline.CreateSource(EventSourceOptions.Default with
        {
            Policy = OverflowPolicy.Reject,
            OnPause = () => log.Add("pause"),
            OnResume = () => log.Add("resume"),
        });

        long offered = 0;
        while (source.Published < 20_000)
        {
            if (source.TryOffer(new Quote { KeySequence = offered }) != PublishResult.Ok)
            {
                Assert.That(await source.WaitForCapacityAsync(), Is.True);
                continue;
            }

            offered++;
        }

        await pipeline.DrainAsync();
        string[] signals = log.Snapshot();
        Assert.Multiple(() =>
        {
            Assert.That(signals, Is.Not.Empty);
            Assert.That(signals.Where((s, i) => s != (i % 2 == 0 ? "pause" : "resume")), Is.Empty, "strict alternation from pause");
            Assert.That(signals.Length % 2, Is.Zero, "the drained ring resumed the last pause");
            Assert.That(verifier.Arrived, Is.EqualTo(20_000));
        });
    }
}

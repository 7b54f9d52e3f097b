using System.Runtime.CompilerServices;
using LowLatency.Engine.Journal;
using LowLatency.Engine.Pipelines;
using LowLatency.Engine.Processing;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Journal;

using Codec = BlittableCodec<JournalTestEvent>;
using Stage = JournalStage<JournalTestEvent, BlittableCodec<JournalTestEvent>>;
using Writer = JournalWriter<JournalTestEvent, BlittableCodec<JournalTestEvent>>;

/// <summary>A full disk (a small tmpfs) halts or back-pressures by policy; nothing is dropped silently.</summary>
[NonParallelizable]
public sealed class JournalFullTests
{
    private static readonly JournalOptions Options = JournalOptions.Default with { SegmentBytes = 128 << 10 };

    [Test]
    [CancelAfter(30_000)]
    public async Task DiskFull_Halt_PipelineFaultsNamingTheJournal_LaterStagesSawOnlyJournaledEvents()
    {
        using SmallTmpfs disk = SmallTmpfs.Mount();
        string directory = Path.Combine(disk.Path, "journal");
        var after = new Counter();
        using (Writer writer = Writer.Open(directory, default, Options with { WhenFull = JournalFullPolicy.Halt }))
        {
            var pipeline = Pipeline<JournalTestEvent>.Create(PipelineOptions.Default with { Capacity = 256, WaitStrategy = WaitStrategyKind.Blocking });
            pipeline.HandleBatchesWith(new Stage(writer)).Then(new Count(after));
            pipeline.Start();
            long published = 0;
            try
            {
                while (published < 1_000_000)
                {
                    long sequence = pipeline.RingBuffer.Next();
                    pipeline.RingBuffer[sequence] = JournalTestEvent.For(published++);
                    pipeline.RingBuffer.Publish(sequence);
                }
            }
            catch (PipelineClosedException)
            {
            }

            var fault = Assert.ThrowsAsync<PipelineFaultedException>(async () => await pipeline.DrainAsync());
            Assert.That(fault!.InnerException, Is.TypeOf<JournalFullException>());
            Assert.That(fault.InnerException!.Message, Does.Contain(directory).And.Contain("not journaled"));
            await pipeline.DisposeAsync();
            Assert.That(published, Is.LessThan(1_000_000), "the disk must fill first");
        }

        List<(long Position, JournalTestEvent Event, long Clock)> journaled = JournalWriterTests.ReadAll(directory, out JournalDamage? damage);
        Assert.That(damage, Is.Null);
        Assert.That(journaled.Select(j => j.Event.Id), Is.EqualTo(Enumerable.Range(0, journaled.Count).Select(i => (long)i)), "a gap-free prefix");
        Assert.That(after.Value, Is.LessThanOrEqualTo(journaled.Count), "no stage after the journal saw an event the journal does not hold");
        Assert.That(after.Value, Is.GreaterThan(0));
    }

    /// <summary>
    /// A record costs a <see cref="JournalFormat.RecordHeaderBytes"/> header besides its events, and how many events a batch
    /// holds depends on scheduling (one when the stage keeps up with the producer, up to the ring's capacity when it lags),
    /// so the journal's size is not a function of the event count alone. The disk, the ballast and the event count are sized
    /// for every batching: the events need more than the segments left beside the ballast even in batches of the ring's
    /// capacity, and fit on the disk without it even in batches of one. (Sized for batches of about four, as this test once
    /// was, a busy box's smaller batches needed a ninth segment on an eight-segment disk: the stage stayed blocked after
    /// the ballast was deleted.) <paramref name="lockstep"/> forces batches of one, the largest journal.
    /// </summary>
    [TestCase(false)]
    [TestCase(true)]
    [CancelAfter(60_000)]
    public async Task DiskFull_Backpressure_ProducersBlockedUntilSpaceReturns_ThenEverythingJournaled(bool lockstep)
    {
        const int Capacity = 256;
        const int DiskSegments = 16;
        const int SegmentsBesideBallast = 2;
        const int Total = 10_000;
        long segmentBytes = Options.SegmentBytes;
        long usable = segmentBytes - JournalFormat.HeaderBytes - JournalFormat.RecordHeaderBytes; // the end record
        long smallest = (Total * Unsafe.SizeOf<JournalTestEvent>()) + (JournalFormat.RecordHeaderBytes * (long)Math.Ceiling((double)Total / Capacity));
        long largest = Total * (long)(Unsafe.SizeOf<JournalTestEvent>() + JournalFormat.RecordHeaderBytes);
        Assert.That(smallest, Is.GreaterThan(SegmentsBesideBallast * usable), "the events fill the room beside the ballast in any batching");
        Assert.That((largest / usable) + 1, Is.LessThanOrEqualTo(DiskSegments), "the events fit without the ballast in any batching");

        using SmallTmpfs disk = SmallTmpfs.Mount($"{DiskSegments * segmentBytes / 1024}k");
        string directory = Path.Combine(disk.Path, "journal");
        string ballast = Path.Combine(disk.Path, "ballast");
        File.WriteAllBytes(ballast, new byte[(DiskSegments - SegmentsBesideBallast) * segmentBytes]);
        using var full = new ManualResetEventSlim();
        JournalFullException? reported = null;
        var after = new Counter();
        using (Writer writer = Writer.Open(directory, default, Options with
        {
            WhenFull = JournalFullPolicy.Backpressure,
            FullRetryInterval = TimeSpan.FromMilliseconds(10),
            FullTimeout = TimeSpan.FromSeconds(20),
            OnFull = e =>
            {
                reported = e;
                full.Set();
            },
        }))
        {
            await using var pipeline = Pipeline<JournalTestEvent>.Create(PipelineOptions.Default with { Capacity = Capacity, WaitStrategy = WaitStrategyKind.Blocking });
            pipeline.HandleBatchesWith(new Stage(writer)).Then(new Count(after));
            pipeline.Start();
            long giveUpAt = Environment.TickCount64 + 50_000; // the producer never outlives the test
            var producer = Task.Run(() =>
            {
                bool ringFilled = false;
                for (int i = 0; i < Total && Environment.TickCount64 < giveUpAt;)
                {
                    if (pipeline.RingBuffer.TryNext(out long sequence) != PublishResult.Ok)
                    {
                        ringFilled = true;
                        Thread.Yield();
                        continue;
                    }

                    pipeline.RingBuffer[sequence] = JournalTestEvent.For(i++);
                    pipeline.RingBuffer.Publish(sequence);
                    while (lockstep && Volatile.Read(ref after.Value) < i && Environment.TickCount64 < giveUpAt)
                    {
                        Thread.Yield();
                    }
                }

                return ringFilled;
            });

            Assert.That(full.Wait(TimeSpan.FromSeconds(20)), Is.True, "the disk filled");
            Assert.That(reported!.Message, Does.Contain(directory));
            long stalled = Volatile.Read(ref after.Value);
            Assert.That(stalled, Is.LessThan(Total));
            File.Delete(ballast); // space returns: the journal continues where it stopped
            Assert.That(producer.Wait(TimeSpan.FromSeconds(20)), Is.True, $"the producer finished after the space returned (the stage had passed {Volatile.Read(ref after.Value)} of {Total})");
            Assert.That(producer.Result, Is.EqualTo(!lockstep), "a free-running producer was back-pressured by the full ring while the disk was full");
            await pipeline.DrainAsync();
            Assert.That(after.Value, Is.EqualTo(Total));
            Assert.That(writer.FullEpisodes, Is.GreaterThanOrEqualTo(1));
        }

        List<(long Position, JournalTestEvent Event, long Clock)> journaled = JournalWriterTests.ReadAll(directory, out _);
        Assert.That(journaled.Select(j => j.Event.Id), Is.EqualTo(Enumerable.Range(0, Total).Select(i => (long)i)));
    }

    internal sealed class Counter
    {
        public long Value;
    }

    private readonly struct Count(Counter counter) : IEventHandler<JournalTestEvent>
    {
        public void OnEvent(ref JournalTestEvent data, long sequence, bool endOfBatch) => Volatile.Write(ref counter.Value, counter.Value + 1);
    }
}

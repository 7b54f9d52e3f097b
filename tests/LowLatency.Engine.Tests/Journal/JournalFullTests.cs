using LowLatency.Engine.Journal;
using LowLatency.Engine.Pipelines;
using LowLatency.Engine.Processing;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Journal;

using Codec = BlittableCodec<JournalTestEvent>;
using Stage = JournalStage<JournalTestEvent, BlittableCodec<JournalTestEvent>>;
using Writer = JournalWriter<JournalTestEvent, BlittableCodec<JournalTestEvent>>;

/// <summary>A full disk (a 1 MiB tmpfs) halts or back-pressures by policy; nothing is dropped silently.</summary>
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

    [Test]
    [CancelAfter(60_000)]
    public async Task DiskFull_Backpressure_ProducersBlockedUntilSpaceReturns_ThenEverythingJournaled()
    {
        using SmallTmpfs disk = SmallTmpfs.Mount();
        string directory = Path.Combine(disk.Path, "journal");
        string ballast = Path.Combine(disk.Path, "ballast");
        File.WriteAllBytes(ballast, new byte[640 << 10]);
        using var full = new ManualResetEventSlim();
        JournalFullException? reported = null;
        var after = new Counter();
        const int Total = 20_000; // 640 KB of events: more than the disk holds beside the ballast, less than it holds without
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
            await using var pipeline = Pipeline<JournalTestEvent>.Create(PipelineOptions.Default with { Capacity = 256, WaitStrategy = WaitStrategyKind.Blocking });
            pipeline.HandleBatchesWith(new Stage(writer)).Then(new Count(after));
            pipeline.Start();
            var producer = Task.Run(() =>
            {
                bool sawBackpressure = false;
                for (int i = 0; i < Total;)
                {
                    if (pipeline.RingBuffer.TryNext(out long sequence) != PublishResult.Ok)
                    {
                        sawBackpressure = true;
                        Thread.Yield();
                        continue;
                    }

                    pipeline.RingBuffer[sequence] = JournalTestEvent.For(i++);
                    pipeline.RingBuffer.Publish(sequence);
                }

                return sawBackpressure;
            });

            Assert.That(full.Wait(TimeSpan.FromSeconds(20)), Is.True, "the disk filled");
            Assert.That(reported!.Message, Does.Contain(directory));
            long stalled = Volatile.Read(ref after.Value);
            Assert.That(stalled, Is.LessThan(Total));
            File.Delete(ballast); // space returns: the journal continues where it stopped
            Assert.That(await producer.WaitAsync(TimeSpan.FromSeconds(20)), Is.True, "producers were back-pressured while the disk was full");
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

using LowLatency.Engine.Journal;
using LowLatency.Engine.Pipelines;
using LowLatency.Engine.Processing;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Journal;

using Codec = BlittableCodec<JournalTestEvent>;
using Writer = JournalWriter<JournalTestEvent, BlittableCodec<JournalTestEvent>>;

/// <summary>0 bytes per event on the journaling and replay hot paths after warm-up.</summary>
public sealed class JournalAllocationTests
{
    [TestCase(false)]
    [TestCase(true)]
    public void AppendAndEndBatch_AfterWarmUp_AllocateNothing(bool compressed)
    {
        using var temp = new TempJournal();
        using Writer writer = Writer.Open(temp.Directory, default, JournalOptions.Default with
        {
            SegmentBytes = 16 << 20,
            Durability = JournalDurability.IntervalSync,
            Compressor = compressed ? Lz4SegmentCompressor.Instance : null,
        });
        var batch = new JournalTestEvent[64];
        for (int i = 0; i < batch.Length; i++)
        {
            batch[i] = JournalTestEvent.For(i);
        }

        var clock = new RecordedClock(1024);
        for (int i = 0; i < 1_000; i++)
        {
            clock.Set(i * 64, 64, i);
            writer.Append(batch, i);
            writer.EndBatch(i);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5_000; i++)
        {
            clock.Set(i * 64, 64, i);
            writer.Append(batch, i);
            writer.EndBatch(i);
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Replay_BytesDoNotGrowWithEvents()
    {
        using var temp = new TempJournal();
        using (Writer writer = Writer.Open(temp.Directory, default, JournalOptions.Default with { SegmentBytes = 32 << 20 }))
        {
            JournalWriterTests.AppendRange(writer, 0, 400_000, batch: 100);
        }

        using JournalReader reader = JournalReader.Open<JournalTestEvent, Codec>(temp.Directory, default);
        await using var pipeline = Pipeline<JournalTestEvent>.Create(PipelineOptions.Default with { Capacity = 4096, WaitStrategy = WaitStrategyKind.Blocking });
        pipeline.HandleEventsWith(new Nothing());
        pipeline.Start();
        var clock = new RecordedClock(4096);

        long Measure(long from)
        {
            var options = JournalReplayOptions.Default with { FromPosition = from };
            long before = GC.GetAllocatedBytesForCurrentThread();
            JournalReplay.Run(reader, default(Codec), pipeline.RingBuffer, clock, options);
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }

        Measure(0); // warm-up: every path, the full ring included
        long small = Measure(390_000);
        long large = Measure(0);
        await pipeline.DrainAsync();
        Assert.That(large, Is.EqualTo(small), $"10k events: {small} B, 400k events: {large} B (fixed costs only: the seek, the result, the look for a next segment at the end)");
    }

    [Test]
    public void ReplayWithoutRing_BytesDoNotGrowWithEvents()
    {
        using var temp = new TempJournal();
        using (Writer writer = Writer.Open(temp.Directory, default, JournalOptions.Default with { SegmentBytes = 32 << 20 }))
        {
            JournalWriterTests.AppendRange(writer, 0, 400_000, batch: 100);
        }

        using JournalReader reader = JournalReader.Open<JournalTestEvent, Codec>(temp.Directory, default);
        var clock = new RecordedClock(64);
        var buffer = new JournalTestEvent[64];
        var handler = new Nothing();

        long Measure(long from)
        {
            var options = JournalReplayOptions.Default with { FromPosition = from };
            long before = GC.GetAllocatedBytesForCurrentThread();
            JournalReplay.Run(reader, default(Codec), ref handler, clock, buffer, options);
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }

        Measure(0); // warm-up
        long small = Measure(390_000);
        long large = Measure(0);
        Assert.That(large, Is.EqualTo(small), $"10k events: {small} B, 400k events: {large} B (fixed costs only)");
    }

    private readonly struct Nothing : IEventHandler<JournalTestEvent>, IBatchEventHandler<JournalTestEvent>
    {
        public void OnBatch(Span<JournalTestEvent> batch, long firstSequence)
        {
        }

        public void OnEvent(ref JournalTestEvent data, long sequence, bool endOfBatch)
        {
        }
    }
}

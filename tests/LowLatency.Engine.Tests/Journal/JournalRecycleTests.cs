using LowLatency.Engine.Journal;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Journal;

using Writer = JournalWriter<JournalTestEvent, BlittableCodec<JournalTestEvent>>;

/// <summary><see cref="JournalOptions.RecycleSegments"/>: retired segments' files reused for later segments, zeroed first.</summary>
public sealed class JournalRecycleTests
{
    private static readonly JournalOptions Recycling = JournalWriterTests.Small with
    {
        SegmentBytes = 256 << 10,
        RetainBytes = 3 * (256 << 10),
        Pretouch = true,
        RecycleSegments = true,
    };

    /// <summary>Events per segment, about: 32-byte events in batches of 100 (one 40-byte header each).</summary>
    private const int PerSegment = (256 << 10) / 33;

    [Test]
    [CancelAfter(60_000)]
    public async Task RecycleSegments_ManyRolls_RetiredFilesReused_EveryRetainedEventReadOnce_ReopenContinues()
    {
        using var temp = new TempJournal();
        const int Segments = 12;
        long events = 0;
        using (Writer writer = Writer.Open(temp.Directory, default, Recycling))
        {
            // Slowly (a short pause per tenth of a segment), so the pretouch thread prepares each next segment before the
            // roll: from the fourth roll on, retention retires a segment at each roll and the next one is prepared in it.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(40);
            while (writer.PretouchedSegments < Segments && DateTime.UtcNow < deadline)
            {
                JournalWriterTests.AppendRange(writer, events, PerSegment / 10, batch: 100);
                events += PerSegment / 10;
                await Task.Delay(1);
            }

            Assert.That(writer.PretouchedSegments, Is.GreaterThanOrEqualTo(Segments), "each next segment was prepared ahead within 40 s");
            Assert.That(writer.RecycledSegments, Is.GreaterThanOrEqualTo(Segments - 6), "most rolls after retention starts take a recycled file");
        }

        Assert.That(temp.Segments(), Has.Length.LessThanOrEqualTo(3));
        Assert.That(Directory.GetFiles(temp.Directory, "*" + JournalFormat.PreparedSuffix), Is.Empty, "neither a spare nor an unused prepared segment is left");
        List<(long Position, JournalTestEvent Event, long Clock)> all = JournalWriterTests.ReadAll(temp.Directory, out JournalDamage? damage);
        Assert.That(damage, Is.Null, "no byte of a retired segment reads as a record or as a torn tail");
        Assert.That(all[0].Position, Is.GreaterThan(0));
        Assert.That(all.Select(e => e.Event.Id), Is.EqualTo(Enumerable.Range((int)all[0].Position, (int)(events - all[0].Position)).Select(i => (long)i)));

        using (Writer reopened = Writer.Open(temp.Directory, default, Recycling))
        {
            Assert.That(reopened.Recovery, Is.Null);
            Assert.That(reopened.NextPosition, Is.EqualTo(events));
            JournalWriterTests.AppendRange(reopened, events, 3 * PerSegment, batch: 100);
            events += 3 * PerSegment;
        }

        all = JournalWriterTests.ReadAll(temp.Directory, out damage);
        Assert.That(damage, Is.Null);
        Assert.That(all[^1].Position, Is.EqualTo(events - 1));
        Assert.That(all.Select(e => e.Event.Id), Is.EqualTo(Enumerable.Range((int)all[0].Position, all.Count).Select(i => (long)i)));
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task RecycleSegments_ReaderLeftBehindRetention_FailsNamingTheRecycling()
    {
        using var temp = new TempJournal();
        using Writer writer = Writer.Open(temp.Directory, default, Recycling);
        long events = PerSegment / 2;
        JournalWriterTests.AppendRange(writer, 0, events, batch: 100);

        // A tailer reads to the writer's end, half way through the first segment, and stops there.
        using JournalReader reader = JournalReader.Open<JournalTestEvent, BlittableCodec<JournalTestEvent>>(temp.Directory, default);
        long read = 0;
        while (reader.TryRead(out JournalRecord record))
        {
            read += record.Kind == JournalRecordKind.Events ? record.Count : 0;
        }

        Assert.That(read, Is.EqualTo(events));

        // The writer goes on until retention has retired the tailer's segment and the next one and both files were reused
        // (slowly, so the pretouch thread prepares each next segment: see the test above).
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(40);
        while (writer.RecycledSegments < 2 && DateTime.UtcNow < deadline)
        {
            JournalWriterTests.AppendRange(writer, events, PerSegment / 10, batch: 100);
            events += PerSegment / 10;
            await Task.Delay(1);
        }

        Assert.That(writer.RecycledSegments, Is.GreaterThanOrEqualTo(2), "the tailer's segment and the next were recycled within 40 s");

        // Whatever its mapping shows now (zeroes, another segment's records, half of one), the tailer says what happened
        // instead of waiting at an end that will never move or reading another segment's records as its own.
        Assert.That(() =>
        {
            while (reader.TryRead(out _))
            {
            }
        }, Throws.TypeOf<JournalCorruptException>().With.Message.Contains("recycled while this reader was in it"));
    }

    [Test]
    public void RecycleSegments_SpareLeftByAKilledWriter_DeletedWhenTheJournalOpens()
    {
        using var temp = new TempJournal();
        JournalWriterTests.WriteJournal(temp.Directory, 1_000, batch: 100);
        string spare = Path.Combine(temp.Directory, JournalFormat.SegmentFileName(0) + JournalFormat.PreparedSuffix); // a retired segment renamed out
        File.Copy(temp.Segments()[0], spare);

        using (Writer writer = Writer.Open(temp.Directory, default, Recycling))
        {
            Assert.That(writer.NextPosition, Is.EqualTo(1_000));
        }

        Assert.That(File.Exists(spare), Is.False);
        Assert.That(JournalWriterTests.ReadAll(temp.Directory, out _), Has.Count.EqualTo(1_000));
    }

    [TestCase(false, 1L << 20, false)]
    [TestCase(true, 0L, false)]
    [TestCase(true, 1L << 20, true)]
    public void RecycleSegments_WithoutPretouchRetentionOrWithCompression_RefusedNamingTheOption(bool pretouch, long retainBytes, bool compress)
    {
        using var temp = new TempJournal();
        JournalOptions options = Recycling with { Pretouch = pretouch, RetainBytes = retainBytes, Compressor = compress ? Lz4SegmentCompressor.Instance : null };
        var e = Assert.Throws<ArgumentException>(() => Writer.Open(temp.Directory, default, options));
        Assert.That(e!.Message, Does.Contain(nameof(JournalOptions.RecycleSegments)));
        Assert.That(temp.Segments(), Is.Empty, "refused before any work");
    }
}

using LowLatency.Engine.Journal;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Journal;

using Codec = BlittableCodec<JournalTestEvent>;
using Writer = JournalWriter<JournalTestEvent, BlittableCodec<JournalTestEvent>>;

public sealed class JournalWriterTests
{
    internal static readonly JournalOptions Small = JournalOptions.Default with { SegmentBytes = 64 << 10 };

    /// <summary>Writes events 0 … <paramref name="count"/> - 1 in batches into a fresh journal of <see cref="Small"/> segments, and closes it.</summary>
    internal static void WriteJournal(string directory, long count, int batch)
    {
        using Writer writer = Writer.Open(directory, default, Small);
        AppendRange(writer, 0, count, batch);
    }

    internal static void AppendRange(Writer writer, long from, long count, int batch, long clock = 0)
    {
        var events = new JournalTestEvent[batch];
        for (long i = 0; i < count; i += batch)
        {
            int n = (int)Math.Min(batch, count - i);
            for (int k = 0; k < n; k++)
            {
                events[k] = JournalTestEvent.For(from + i + k);
            }

            writer.Append(events.AsSpan(0, n), clock + i);
            writer.EndBatch(0);
        }
    }

    internal static List<(long Position, JournalTestEvent Event, long Clock)> ReadAll(string directory, out JournalDamage? damage)
    {
        var all = new List<(long, JournalTestEvent, long)>();
        using JournalReader reader = JournalReader.Open<JournalTestEvent, Codec>(directory, default);
        while (reader.TryRead(out JournalRecord record))
        {
            if (record.Kind == JournalRecordKind.Events)
            {
                ReadOnlySpan<JournalTestEvent> events = record.Events<JournalTestEvent>();
                for (int i = 0; i < events.Length; i++)
                {
                    all.Add((record.Position + i, events[i], record.Clock));
                }
            }
        }

        damage = reader.Damage;
        return all;
    }

    [Test]
    [CancelAfter(20_000)]
    public void Append_ManySegments_ReadBackInOrderWithPositionsAndClocks()
    {
        using var temp = new TempJournal();
        using (Writer writer = Writer.Open(temp.Directory, default, Small))
        {
            AppendRange(writer, 0, 20_000, batch: 37, clock: 1_000);
            Assert.That(writer.NextPosition, Is.EqualTo(20_000));
        }

        Assert.That(temp.Segments(), Has.Length.GreaterThan(5), "rolled by size");
        List<(long Position, JournalTestEvent Event, long Clock)> all = ReadAll(temp.Directory, out JournalDamage? damage);
        Assert.That(damage, Is.Null);
        Assert.That(all, Has.Count.EqualTo(20_000));
        for (int i = 0; i < all.Count; i++)
        {
            Assert.That(all[i].Position, Is.EqualTo(i));
            Assert.That(all[i].Event, Is.EqualTo(JournalTestEvent.For(i)));
        }

        Assert.That(all[0].Clock, Is.EqualTo(1_000));
        Assert.That(all[37].Clock, Is.EqualTo(1_037));
    }

    [Test]
    [CancelAfter(20_000)]
    public void Reopen_ContinuesAtNextPosition()
    {
        using var temp = new TempJournal();
        WriteJournal(temp.Directory, 3_000, batch: 100);

        using (Writer writer = Writer.Open(temp.Directory, default, Small))
        {
            Assert.That(writer.NextPosition, Is.EqualTo(3_000));
            Assert.That(writer.Recovery, Is.Null);
            AppendRange(writer, 3_000, 3_000, batch: 64);
        }

        List<(long Position, JournalTestEvent Event, long Clock)> all = ReadAll(temp.Directory, out _);
        Assert.That(all.Select(e => e.Event.Id), Is.EqualTo(Enumerable.Range(0, 6_000).Select(i => (long)i)));
    }

    [Test]
    public void SeekToPosition_LandsOnTheRecordHoldingIt()
    {
        using var temp = new TempJournal();
        WriteJournal(temp.Directory, 10_000, batch: 50);

        using JournalReader reader = JournalReader.Open<JournalTestEvent, Codec>(temp.Directory, default);
        foreach (long target in new long[] { 0, 1, 49, 50, 4_321, 9_999 })
        {
            reader.SeekToPosition(target);
            Assert.That(reader.TryRead(out JournalRecord record), Is.True);
            Assert.That(target, Is.InRange(record.Position, record.Position + record.Count - 1), $"target {target}");
        }
    }

    [Test]
    public void SeekToEventTime_FindsTheFirstRecordAtOrAfterIt_AcrossSegments()
    {
        using var temp = new TempJournal();
        WriteJournal(temp.Directory, 20_000, batch: 50); // timestamps are id × 10

        using JournalReader reader = JournalReader.Open<JournalTestEvent, Codec>(temp.Directory, default);
        foreach ((long time, long expected) in new[] { (0L, 0L), (5L, 50L), (500L, 50L), (501L, 100L), (123_450L, 12_350L), (199_990L, long.MinValue) })
        {
            reader.SeekToEventTime<JournalTestEvent, Codec, EventTime>(time, default, default);
            bool found = reader.TryRead(out JournalRecord record);
            Assert.That(found ? record.Position : long.MinValue, Is.EqualTo(expected), $"time {time}");
        }
    }

    private readonly struct EventTime : LowLatency.Engine.Time.ITimestampExtractor<JournalTestEvent>
    {
        public long GetTimestamp(in JournalTestEvent e) => e.Timestamp;
    }

    [Test]
    public void Marks_AreReadInPlaceWithTheirPosition()
    {
        using var temp = new TempJournal();
        using (Writer writer = Writer.Open(temp.Directory, default, Small))
        {
            AppendRange(writer, 0, 10, batch: 10);
            writer.AppendMark(JournalRecordKind.Watermark, 12345, 77);
            AppendRange(writer, 10, 5, batch: 5);
        }

        using JournalReader reader = JournalReader.Open<JournalTestEvent, Codec>(temp.Directory, default);
        var kinds = new List<(JournalRecordKind, long, long)>();
        while (reader.TryRead(out JournalRecord record))
        {
            kinds.Add((record.Kind, record.Position, record.Value));
        }

        Assert.That(kinds, Is.EqualTo(new[] { (JournalRecordKind.Events, 0L, 0L), (JournalRecordKind.Watermark, 10L, 12345L), (JournalRecordKind.Events, 10L, 0L) }));
    }

    [Test]
    public void RetainBytes_DeletesOldestSegments_ReaderStartsAtTheOldestKept()
    {
        using var temp = new TempJournal();
        using (Writer writer = Writer.Open(temp.Directory, default, Small with { RetainBytes = 4 * Small.SegmentBytes }))
        {
            AppendRange(writer, 0, 30_000, batch: 100);
        }

        Assert.That(temp.Segments(), Has.Length.LessThanOrEqualTo(4));
        List<(long Position, JournalTestEvent Event, long Clock)> all = ReadAll(temp.Directory, out _);
        Assert.That(all[^1].Position, Is.EqualTo(29_999));
        Assert.That(all[0].Position, Is.GreaterThan(0));
        Assert.That(all.Select(e => e.Event.Id), Is.EqualTo(Enumerable.Range((int)all[0].Position, all.Count).Select(i => (long)i)));
    }

    [Test]
    public void RetainBytes_OtherFilesInTheDirectory_NeverDeletedNorRead()
    {
        using var temp = new TempJournal();
        string[] foreign = ["notes.journal", "7.journal", "000000000000.journal.bak", "00000000000x.journal"];
        foreach (string name in foreign)
        {
            File.WriteAllText(Path.Combine(temp.Directory, name), "not a segment");
        }

        using (Writer writer = Writer.Open(temp.Directory, default, Small with { RetainBytes = 2 * Small.SegmentBytes }))
        {
            AppendRange(writer, 0, 30_000, batch: 100);
        }

        Assert.That(foreign.Select(name => File.Exists(Path.Combine(temp.Directory, name))), Is.All.True, "retention deletes only segment files");
        Assert.That(JournalReader.SegmentFiles(temp.Directory), Has.Count.InRange(1, 2));
        Assert.That(ReadAll(temp.Directory, out _)[^1].Position, Is.EqualTo(29_999));
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task Pretouch_RollsOntoPreparedSegments_EveryEventRead_NoPreparedFileLeft()
    {
        using var temp = new TempJournal();
        JournalOptions options = Small with { SegmentBytes = 1 << 20, Pretouch = true };
        long events = 0;
        using (Writer writer = Writer.Open(temp.Directory, default, options))
        {
            // Slowly (a short pause per 1,000 events) so that the pretouch thread, woken every quarter segment,
            // prepares each next segment once the writer is past half of the current one: the rolls take them.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (writer.PretouchedSegments < 3 && DateTime.UtcNow < deadline)
            {
                AppendRange(writer, events, 1_000, batch: 100);
                events += 1_000;
                await Task.Delay(1);
            }

            Assert.That(writer.PretouchedSegments, Is.EqualTo(3), "three segments were prepared ahead within 30 s");
            AppendRange(writer, events, 40_000, batch: 100); // past the roll onto the last prepared one
            events += 40_000;
        }

        Assert.That(Directory.GetFiles(temp.Directory, "*" + JournalFormat.PreparedSuffix), Is.Empty, "an unused prepared segment is deleted");
        Assert.That(temp.Segments(), Has.Length.GreaterThanOrEqualTo(4));
        List<(long Position, JournalTestEvent Event, long Clock)> all = ReadAll(temp.Directory, out JournalDamage? damage);
        Assert.That(damage, Is.Null);
        Assert.That(all.Select(e => e.Event.Id), Is.EqualTo(Enumerable.Range(0, (int)events).Select(i => (long)i)));
    }

    [Test]
    public void Open_PreparedSegmentLeftByAKilledWriter_Deleted()
    {
        using var temp = new TempJournal();
        WriteJournal(temp.Directory, 1_000, batch: 100);
        string leftover = Path.Combine(temp.Directory, JournalFormat.SegmentFileName(7) + JournalFormat.PreparedSuffix);
        File.WriteAllBytes(leftover, new byte[Small.SegmentBytes]);
        string foreign = Path.Combine(temp.Directory, "notes.journal" + JournalFormat.PreparedSuffix);
        File.WriteAllText(foreign, "not the writer's");

        using (Writer writer = Writer.Open(temp.Directory, default, Small))
        {
            Assert.That(writer.NextPosition, Is.EqualTo(1_000));
        }

        Assert.That(File.Exists(leftover), Is.False);
        Assert.That(File.Exists(foreign), Is.True, "only names the pretouch thread gives are its leftovers");
    }

    [Test]
    public void Open_OtherSchema_Refused()
    {
        using var temp = new TempJournal();
        WriteJournal(temp.Directory, 10, batch: 10);

        var other = Assert.Throws<JournalSchemaException>(() => JournalReader.Open<OtherEvent, BlittableCodec<OtherEvent>>(temp.Directory, default));
        Assert.That(other!.Message, Does.Contain("JournalTestEvent").And.Contain(temp.Segments()[0]));
        Assert.Throws<JournalSchemaException>(() => JournalReader.Open<JournalTestEvent, Codec>(temp.Directory, new Codec(schemaVersion: 2)));
        Assert.Throws<JournalSchemaException>(() => JournalWriter<JournalTestEvent, Codec>.Open(temp.Directory, new Codec(schemaVersion: 2), Small));
    }

    [Test]
    public void Options_Invalid_RefusedNamingTheOption()
    {
        using var temp = new TempJournal();
        var e = Assert.Throws<ArgumentException>(() => Writer.Open(temp.Directory, default, JournalOptions.Default with { SegmentBytes = 1000 }));
        Assert.That(e!.Message, Does.Contain("SegmentBytes"));
    }

    public struct OtherEvent
    {
        public long A;
        public int B;
    }
}

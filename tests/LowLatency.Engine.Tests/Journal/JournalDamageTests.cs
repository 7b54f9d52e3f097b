using LowLatency.Engine.Journal;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Journal;

using Codec = BlittableCodec<JournalTestEvent>;
using Writer = JournalWriter<JournalTestEvent, BlittableCodec<JournalTestEvent>>;

/// <summary>Torn tails are truncated and reported; every other kind of damage is an error naming its place.</summary>
public sealed class JournalDamageTests
{
    private static (string Segment, long Offset, int Count)[] Records(string directory)
    {
        var records = new List<(string, long, int)>();
        using JournalReader reader = JournalReader.Open<JournalTestEvent, Codec>(directory, default);
        while (reader.TryRead(out JournalRecord record))
        {
            long index = record.Segment;
            records.Add((reader.Segments.First(s => s.Index == index).Path, record.Offset, record.Count));
        }

        return [.. records];
    }

    internal static void FlipByte(string path, long offset)
    {
        using FileStream file = File.Open(path, FileMode.Open, FileAccess.ReadWrite);
        file.Position = offset;
        int b = file.ReadByte();
        file.Position = offset;
        file.WriteByte((byte)(b ^ 0x10));
    }

    [Test]
    public void TornTail_ReaderStopsAndReports_WriterTruncatesAndContinues()
    {
        using var temp = new TempJournal();
        JournalWriterTests.WriteJournal(temp.Directory, 1_000, batch: 100);

        (string segment, long offset, int count) = Records(temp.Directory)[^1];
        FlipByte(segment, offset + 40 + 100); // inside the last record's payload: a write that never fully reached the disk

        List<(long Position, JournalTestEvent Event, long Clock)> read = JournalWriterTests.ReadAll(temp.Directory, out JournalDamage? damage);
        Assert.That(read, Has.Count.EqualTo(900));
        Assert.That(damage, Is.Not.Null);
        Assert.That(damage!.Segment, Is.EqualTo(segment));
        Assert.That(damage.Offset, Is.EqualTo(offset));
        Assert.That(damage.EventsNotJournaled, Is.EqualTo(count));
        Assert.That(damage.Reason, Does.Contain("CRC"));

        using (Writer writer = Writer.Open(temp.Directory, default, JournalWriterTests.Small))
        {
            Assert.That(writer.Recovery, Is.Not.Null);
            Assert.That(writer.Recovery!.EventsNotJournaled, Is.EqualTo(100));
            Assert.That(writer.NextPosition, Is.EqualTo(900));
            JournalWriterTests.AppendRange(writer, 900, 500, batch: 50);
        }

        read = JournalWriterTests.ReadAll(temp.Directory, out damage);
        Assert.That(damage, Is.Null);
        Assert.That(read.Select(r => r.Event.Id), Is.EqualTo(Enumerable.Range(0, 1_400).Select(i => (long)i)));
    }

    [Test]
    public void TornTail_GarbageLength_CountUnknownButTruncated()
    {
        using var temp = new TempJournal();
        JournalWriterTests.WriteJournal(temp.Directory, 300, batch: 100);

        (string segment, long offset, _) = Records(temp.Directory)[^1];
        using (FileStream file = File.Open(segment, FileMode.Open, FileAccess.ReadWrite))
        {
            file.Position = offset;
            file.Write(BitConverter.GetBytes(int.MaxValue)); // a length that runs past the segment
        }

        JournalWriterTests.ReadAll(temp.Directory, out JournalDamage? damage);
        Assert.That(damage, Is.Not.Null);
        Assert.That(damage!.EventsNotJournaled, Is.EqualTo(-1));
        using Writer reopened = Writer.Open(temp.Directory, default, JournalWriterTests.Small);
        Assert.That(reopened.NextPosition, Is.EqualTo(200));
    }

    [Test]
    public void BitFlip_MidSegment_ErrorNamesSegmentAndOffset_ReaderAndWriter()
    {
        using var temp = new TempJournal();
        JournalWriterTests.WriteJournal(temp.Directory, 1_000, batch: 100);

        (string segment, long offset, _) = Records(temp.Directory)[4];
        FlipByte(segment, offset + 40 + 7);

        var read = Assert.Throws<JournalCorruptException>(() => JournalWriterTests.ReadAll(temp.Directory, out _));
        Assert.That(read!.Segment, Is.EqualTo(segment));
        Assert.That(read.Offset, Is.EqualTo(offset));
        Assert.That(read.Message, Does.Contain(segment).And.Contain($"offset {offset}").And.Contain("CRC"));

        var open = Assert.Throws<JournalCorruptException>(() => Writer.Open(temp.Directory, default, JournalWriterTests.Small));
        Assert.That(open!.Offset, Is.EqualTo(offset));
    }

    [Test]
    public void BitFlip_InAnEarlierSegment_IsCorruptionNotATornTail()
    {
        using var temp = new TempJournal();
        JournalWriterTests.WriteJournal(temp.Directory, 5_000, batch: 100);

        string[] segments = temp.Segments();
        (string segment, long offset, _) = Records(temp.Directory).Where(r => r.Segment == segments[0]).Last();
        FlipByte(segment, offset + 12); // the count field of the first segment's last record

        var e = Assert.Throws<JournalCorruptException>(() => JournalWriterTests.ReadAll(temp.Directory, out _));
        Assert.That(e!.Segment, Is.EqualTo(segments[0]));
        Assert.That(e.Offset, Is.EqualTo(offset));
    }

    [Test]
    public void TruncatedSegment_NotLast_ErrorNamesIt()
    {
        using var temp = new TempJournal();
        JournalWriterTests.WriteJournal(temp.Directory, 5_000, batch: 100);

        string[] segments = temp.Segments();
        Assert.That(segments, Has.Length.GreaterThan(2));
        using (FileStream file = File.Open(segments[1], FileMode.Open, FileAccess.ReadWrite))
        {
            file.SetLength(file.Length / 2);
        }

        var e = Assert.Throws<JournalCorruptException>(() => JournalWriterTests.ReadAll(temp.Directory, out _));
        Assert.That(e!.Segment, Is.EqualTo(segments[1]));
        Assert.That(e.Message, Does.Contain("truncated").Or.Contain("does not fit").Or.Contain("past the end"));
    }

    [Test]
    public void TruncatedSegment_Last_ReportedThenRebuiltByTheWriter()
    {
        using var temp = new TempJournal();
        JournalWriterTests.WriteJournal(temp.Directory, 1_000, batch: 100);

        (string segment, long offset, _) = Records(temp.Directory)[^1];
        using (FileStream file = File.Open(segment, FileMode.Open, FileAccess.ReadWrite))
        {
            file.SetLength(offset + 1_000); // cuts the last record
        }

        List<(long Position, JournalTestEvent Event, long Clock)> read = JournalWriterTests.ReadAll(temp.Directory, out JournalDamage? damage);
        Assert.That(read, Has.Count.EqualTo(900));
        Assert.That(damage, Is.Not.Null);

        using (Writer writer = Writer.Open(temp.Directory, default, JournalWriterTests.Small))
        {
            Assert.That(writer.NextPosition, Is.EqualTo(900));
            JournalWriterTests.AppendRange(writer, 900, 3_000, batch: 100);
        }

        read = JournalWriterTests.ReadAll(temp.Directory, out damage);
        Assert.That(damage, Is.Null);
        Assert.That(read.Select(r => r.Event.Id), Is.EqualTo(Enumerable.Range(0, 3_900).Select(i => (long)i)));
    }

    [Test]
    public void MissingSegment_ErrorNamesTheGap()
    {
        using var temp = new TempJournal();
        JournalWriterTests.WriteJournal(temp.Directory, 5_000, batch: 100);

        string[] segments = temp.Segments();
        File.Delete(segments[1]);
        var e = Assert.Throws<JournalCorruptException>(() => JournalWriterTests.ReadAll(temp.Directory, out _));
        Assert.That(e!.Message, Does.Contain("missing"));
    }
}

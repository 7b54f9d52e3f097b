using System.Buffers.Binary;
using LowLatency.Engine.Journal;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Journal;

using Codec = BlittableCodec<JournalTestEvent>;
using Writer = JournalWriter<JournalTestEvent, BlittableCodec<JournalTestEvent>>;

/// <summary>Sealed segments compressed in the background: read transparently, replaced atomically, damage named.</summary>
public sealed class JournalCompressionTests
{
    internal static readonly JournalOptions Compressed = JournalWriterTests.Small with { Compressor = Lz4SegmentCompressor.Instance };

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private static void WriteCompressed(string directory, long count, int batch)
    {
        using Writer writer = Writer.Open(directory, default, Compressed);
        JournalWriterTests.AppendRange(writer, 0, count, batch);
        Assert.That(writer.WaitForCompression(Bound), Is.True, "every sealed segment compressed within 20 s");
        Assert.That(writer.Compression.Failures, Is.Zero, writer.Compression.LastError?.ToString());
    }

    private static bool IsCompressed(string path)
    {
        Span<byte> magic = stackalloc byte[8];
        using FileStream file = File.OpenRead(path);
        return file.Read(magic) == 8 && BinaryPrimitives.ReadUInt64LittleEndian(magic) == 0x5A4E_5255_4F4A_4C4C;
    }

    private static void AssertAllInOrder(List<(long Position, JournalTestEvent Event, long Clock)> all, long count)
    {
        Assert.That(all, Has.Count.EqualTo(count));
        for (int i = 0; i < all.Count; i++)
        {
            if (all[i].Position != i || !all[i].Event.Equals(JournalTestEvent.For(i)))
            {
                Assert.Fail($"event {i}: position {all[i].Position}, id {all[i].Event.Id}");
            }
        }
    }

    [Test]
    [CancelAfter(30_000)]
    public void Compressor_SealedSegmentsReplacedByCompressedFiles_ReadBackIdentical_LastStaysRaw()
    {
        using var temp = new TempJournal();
        WriteCompressed(temp.Directory, 20_000, batch: 37);

        string[] segments = temp.Segments();
        Assert.That(segments, Has.Length.GreaterThan(5));
        Assert.That(segments[..^1].All(IsCompressed), Is.True, "every sealed segment compressed");
        Assert.That(IsCompressed(segments[^1]), Is.False, "the segment being written stays raw");
        Assert.That(Directory.GetFiles(temp.Directory), Has.Length.EqualTo(segments.Length), "no temporary file left");
        Assert.That(new FileInfo(segments[0]).Length, Is.LessThan(JournalWriterTests.Small.SegmentBytes * 3 / 4), "these events compress");

        AssertAllInOrder(JournalWriterTests.ReadAll(temp.Directory, out JournalDamage? damage), 20_000);
        Assert.That(damage, Is.Null);

        using JournalReader reader = JournalReader.Open<JournalTestEvent, Codec>(temp.Directory, default);
        Assert.That(reader.Segments[0].Compression, Is.EqualTo("lz4"));
        Assert.That(reader.Segments[0].StoredBytes, Is.EqualTo(new FileInfo(segments[0]).Length));
        Assert.That(reader.Segments[0].UsedBytes, Is.GreaterThan(reader.Segments[0].StoredBytes));
        Assert.That(reader.Segments[^1].Compression, Is.Null);
    }

    [Test]
    [CancelAfter(30_000)]
    public void Seek_ByPositionAndEventTime_IntoCompressedSegments()
    {
        using var temp = new TempJournal();
        WriteCompressed(temp.Directory, 20_000, batch: 37);
        using JournalReader reader = JournalReader.Open<JournalTestEvent, Codec>(temp.Directory, default);

        reader.SeekToPosition(12_345);
        Assert.That(reader.TryRead(out JournalRecord record), Is.True);
        Assert.That(record.Position, Is.LessThanOrEqualTo(12_345));
        Assert.That(record.Position + record.Count, Is.GreaterThan(12_345));

        reader.SeekToEventTime<JournalTestEvent, Codec, TestTimestamp>(77_770, default, default);
        Assert.That(reader.TryRead(out record), Is.True);
        Assert.That(record.Events<JournalTestEvent>()[0].Timestamp, Is.GreaterThanOrEqualTo(77_770));
        Assert.That(record.Position, Is.LessThanOrEqualTo(7_777 + 37));
    }

    [Test]
    [CancelAfter(30_000)]
    public void Tailer_InProcess_KeepsReadingASegmentCompressedUnderIt_ThenReadsCompressedOnes()
    {
        using var temp = new TempJournal();
        using Writer writer = Writer.Open(temp.Directory, default, Compressed);
        using JournalReader tailer = JournalReader.Open<JournalTestEvent, Codec>(temp.Directory, default);
        long seen = 0;
        void Drain()
        {
            while (tailer.TryRead(out JournalRecord record))
            {
                foreach (JournalTestEvent e in record.Events<JournalTestEvent>())
                {
                    Assert.That(e, Is.EqualTo(JournalTestEvent.For(seen)), $"event {seen}");
                    seen++;
                }
            }
        }

        JournalWriterTests.AppendRange(writer, 0, 1_000, batch: 50); // inside segment 0: the tailer maps it raw
        Drain();
        JournalWriterTests.AppendRange(writer, 1_000, 9_000, batch: 50); // segment 0 sealed and compressed under the tailer
        Assert.That(writer.WaitForCompression(Bound), Is.True);
        Assert.That(IsCompressed(temp.Segments()[0]), Is.True);
        Drain(); // the rest of segment 0 from its raw mapping, the next ones decompressed
        Assert.That(seen, Is.EqualTo(10_000));
        Assert.That(writer.Compression.Segments, Is.EqualTo(temp.Segments().Length - 1));
    }

    [Test]
    [CancelAfter(30_000)]
    public void CrashMidCompression_TemporaryFileLeft_ReadersIgnoreIt_WriterDeletesItAndCompressesAgain()
    {
        using var temp = new TempJournal();
        JournalWriterTests.WriteJournal(temp.Directory, 6_000, batch: 50); // raw: a writer without a compressor
        string first = temp.Segments()[0];

        // What a kill in the middle of a compression leaves: half a compressed file beside the intact raw segment.
        using var same = new TempJournal();
        WriteCompressed(same.Directory, 6_000, batch: 50);
        byte[] whole = File.ReadAllBytes(same.Segments()[0]);
        File.WriteAllBytes(first + ".compressing", whole[..(whole.Length / 2)]);
        Assert.That(IsCompressed(first), Is.False);

        AssertAllInOrder(JournalWriterTests.ReadAll(temp.Directory, out JournalDamage? damage), 6_000);
        Assert.That(damage, Is.Null);
        Assert.That(File.Exists(first + ".compressing"), Is.True, "readers never delete");

        using (Writer writer = Writer.Open(temp.Directory, default, JournalWriterTests.Small))
        {
            Assert.That(File.Exists(first + ".compressing"), Is.False, "the writer's recovery deleted the unfinished compression");
        }

        using (Writer writer = Writer.Open(temp.Directory, default, Compressed))
        {
            Assert.That(writer.WaitForCompression(Bound), Is.True);
            Assert.That(writer.Compression.Segments, Is.EqualTo(temp.Segments().Length - 1), "every sealed segment compressed, the interrupted one again");
            JournalWriterTests.AppendRange(writer, 6_000, 1_000, batch: 50);
        }

        Assert.That(IsCompressed(first), Is.True);
        Assert.That(Directory.GetFiles(temp.Directory, "*.compressing"), Is.Empty);
        AssertAllInOrder(JournalWriterTests.ReadAll(temp.Directory, out damage), 7_000);
    }

    [TestCase(200L, "CRC-32C")]
    [TestCase(20L, "header's CRC")]
    public void CorruptCompressedSegment_ClearErrorNamingIt_NeverSkipped(long offset, string reason)
    {
        using var temp = new TempJournal();
        WriteCompressed(temp.Directory, 6_000, batch: 50);
        string first = temp.Segments()[0];
        JournalDamageTests.FlipByte(first, offset < 64 ? offset : 64 + 4096 + offset);

        var e = Assert.Throws<JournalCorruptException>(() => JournalWriterTests.ReadAll(temp.Directory, out _))!;
        Assert.That(e.Message, Does.Contain(first).And.Contain(reason));
        Assert.Throws<JournalCorruptException>(() => Writer.Open(temp.Directory, default, Compressed).Dispose(), "the writer refuses it too");
    }

    [Test]
    public void TruncatedCompressedSegment_ClearErrorNamingIt()
    {
        using var temp = new TempJournal();
        WriteCompressed(temp.Directory, 6_000, batch: 50);
        string first = temp.Segments()[0];
        using (FileStream file = File.Open(first, FileMode.Open))
        {
            file.SetLength(file.Length - 100);
        }

        var e = Assert.Throws<JournalCorruptException>(() => JournalWriterTests.ReadAll(temp.Directory, out _))!;
        Assert.That(e.Message, Does.Contain(first).And.Contain("header says"));
    }

    [Test]
    public void UnknownCompressor_ReaderGivenNone_ClearErrorNamingIt()
    {
        using var temp = new TempJournal();
        WriteCompressed(temp.Directory, 6_000, batch: 50);
        using JournalReader reader = JournalReader.Open<JournalTestEvent, Codec>(temp.Directory, default, compressors: []);
        var e = Assert.Throws<JournalCorruptException>(() => reader.TryRead(out _))!;
        Assert.That(e.Message, Does.Contain(temp.Segments()[0]).And.Contain("compressor id 1"));
    }

    [Test]
    [CancelAfter(30_000)]
    public void RetainBytes_CountsCompressedSizes()
    {
        using var temp = new TempJournal();
        long retain = 4 * Compressed.SegmentBytes;
        using (Writer writer = Writer.Open(temp.Directory, default, Compressed with { RetainBytes = retain }))
        {
            for (long from = 0; from < 30_000; from += 1_000)
            {
                JournalWriterTests.AppendRange(writer, from, 1_000, batch: 100);
                Assert.That(writer.WaitForCompression(Bound), Is.True);
            }
        }

        string[] segments = temp.Segments();
        Assert.That(segments, Has.Length.GreaterThan(4), "compressed segments take less room than raw ones, so more of them are kept");
        Assert.That(segments.Sum(s => new FileInfo(s).Length), Is.LessThanOrEqualTo(retain));
        List<(long Position, JournalTestEvent Event, long Clock)> all = JournalWriterTests.ReadAll(temp.Directory, out _);
        Assert.That(all[^1].Position, Is.EqualTo(29_999));
        Assert.That(all[0].Position, Is.GreaterThan(0), "the oldest were deleted");
    }

    [Test]
    public void Options_CompressorWithSegmentsOver2GiB_Refused()
    {
        using var temp = new TempJournal();
        var e = Assert.Throws<ArgumentException>(() => Writer.Open(temp.Directory, default, Compressed with { SegmentBytes = 4L << 30 }))!;
        Assert.That(e.Message, Does.Contain("SegmentBytes"));
    }

    [Test]
    [CancelAfter(30_000)]
    public void CustomCompressor_PluggedIn_WriterReopensIt_ReadersGivenItReadBack()
    {
        using var temp = new TempJournal();
        var options = JournalWriterTests.Small with { Compressor = StoredCompressor.Instance };
        using (Writer writer = Writer.Open(temp.Directory, default, options))
        {
            JournalWriterTests.AppendRange(writer, 0, 6_000, batch: 50);
            Assert.That(writer.WaitForCompression(Bound), Is.True);
            Assert.That(writer.Compression.Segments, Is.GreaterThan(1));
        }

        using (Writer writer = Writer.Open(temp.Directory, default, options))
        {
            Assert.That(writer.NextPosition, Is.EqualTo(6_000), "its own compressor's segments are read at recovery");
        }

        using JournalReader reader = JournalReader.Open<JournalTestEvent, Codec>(temp.Directory, default, [StoredCompressor.Instance]);
        long events = 0;
        while (reader.TryRead(out JournalRecord record))
        {
            events += record.Count;
        }

        Assert.That(events, Is.EqualTo(6_000));
        Assert.That(reader.Segments[0].Compression, Is.EqualTo("stored"));
        Assert.Throws<JournalCorruptException>(() => JournalWriterTests.ReadAll(temp.Directory, out _), "a reader not given it says so");
    }

    [Test]
    [CancelAfter(30_000)]
    public void CompressorThrows_SegmentsStayRawAndReadable_FailuresCounted_NoTemporaryFileLeft()
    {
        using var temp = new TempJournal();
        using (Writer writer = Writer.Open(temp.Directory, default, JournalWriterTests.Small with { Compressor = ThrowingCompressor.Instance }))
        {
            JournalWriterTests.AppendRange(writer, 0, 6_000, batch: 50);
            Assert.That(writer.WaitForCompression(Bound), Is.True);
            Assert.That(writer.Compression.Segments, Is.Zero);
            Assert.That(writer.Compression.Failures, Is.EqualTo(temp.Segments().Length - 1));
            Assert.That(writer.Compression.LastError, Is.InstanceOf<InvalidOperationException>());
            JournalWriterTests.AppendRange(writer, 6_000, 1_000, batch: 50); // the writer goes on
        }

        Assert.That(temp.Segments().Any(IsCompressed), Is.False);
        Assert.That(Directory.GetFiles(temp.Directory, "*.compressing"), Is.Empty);
        AssertAllInOrder(JournalWriterTests.ReadAll(temp.Directory, out _), 7_000);
    }

    /// <summary>A host's compressor with a bug.</summary>
    private sealed class ThrowingCompressor : ISegmentCompressor
    {
        public static readonly ThrowingCompressor Instance = new();

        public ushort Id => 201;

        public string Name => "throws";

        public int MaxCompressedLength(int rawLength) => rawLength;

        public int Compress(ReadOnlySpan<byte> raw, Span<byte> destination) => throw new InvalidOperationException("a bug in the host's compressor");

        public int Decompress(ReadOnlySpan<byte> compressed, Span<byte> destination) => -1;
    }

    /// <summary>A host's own compressor: stores the bytes as they are (id 200).</summary>
    private sealed class StoredCompressor : ISegmentCompressor
    {
        public static readonly StoredCompressor Instance = new();

        public ushort Id => 200;

        public string Name => "stored";

        public int MaxCompressedLength(int rawLength) => rawLength;

        public int Compress(ReadOnlySpan<byte> raw, Span<byte> destination)
        {
            raw.CopyTo(destination);
            return raw.Length;
        }

        public int Decompress(ReadOnlySpan<byte> compressed, Span<byte> destination)
        {
            if (compressed.Length > destination.Length)
            {
                return -1;
            }

            compressed.CopyTo(destination);
            return compressed.Length;
        }
    }

    private readonly struct TestTimestamp : LowLatency.Engine.Time.ITimestampExtractor<JournalTestEvent>
    {
        public long GetTimestamp(in JournalTestEvent e) => e.Timestamp;
    }
}

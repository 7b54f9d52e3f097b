using System.Buffers.Binary;
using System.Text;
using LowLatency.Engine.Integrity;

namespace LowLatency.Engine.Journal;

/// <summary>
/// The on-disk layout, one home for every offset. A segment is a fixed-size file: a 4 KiB header, then
/// records aligned to 8 bytes, then zeros. A record is a 40-byte header and its payload:
/// <code>
/// +0  u32 length   bytes of header + payload (0: no record here yet); stored last, with release
/// +4  u32 crc      CRC-32C of bytes [8, length)
/// +8  u16 kind     JournalRecordKind
/// +10 u16 reserved 0
/// +12 u32 count    events in the payload (Events), else 0
/// +16 i64 position journal position of the first event (Events), or of the next event (marks)
/// +24 i64 clock    processing-clock reading of the batch (host ticks)
/// +32 i64 value    the mark's value (Watermark, Control), else 0
/// +40 payload      count × eventSize bytes
/// </code>
/// A reader that sees a non-zero length (acquire) sees the whole record: that is how a tailer in
/// another process follows the writer, and why a process killed mid-append leaves no half record.
/// All integers are little-endian.
/// </summary>
internal static class JournalFormat
{
    public const ulong Magic = 0x314E_5255_4F4A_4C4C; // "LLJOURN1"
    public const uint Version = 1;
    public const int HeaderBytes = 4096;
    public const int RecordHeaderBytes = 40;
    public const int RecordAlignment = 8;
    public const long MinSegmentBytes = 64 << 10;
    public const int MaxEventTypeBytes = 256;
    public const string FileExtension = ".journal";
    public const int IndexDigits = 12;
    public const string PreparedSuffix = ".next"; // a segment created ahead by the pretoucher, renamed at the roll

    // A compressed segment (see the README's "Compressed segments"): same name, replaced by one rename.
    public const ulong CompressedMagic = 0x5A4E_5255_4F4A_4C4C; // "LLJOURNZ"
    public const uint CompressedVersion = 1;
    public const int CompressedHeaderBytes = 64;
    public const string CompressingSuffix = ".compressing"; // the compressed file being written, renamed over the segment when whole
    public const int CompressedVersionOffset = 8;
    public const int CompressorIdOffset = 12;
    public const int RawBytesOffset = 16;
    public const int PackedBytesOffset = 24;
    public const int PackedCrcOffset = 32;
    public const int CompressedHeaderCrcOffset = 60;

    // Header offsets.
    public const int MagicOffset = 0;
    public const int VersionOffset = 8;
    public const int HeaderBytesOffset = 12;
    public const int SegmentBytesOffset = 16;
    public const int SegmentIndexOffset = 24;
    public const int FirstPositionOffset = 32;
    public const int CreatedOffset = 40;
    public const int EventSizeOffset = 48;
    public const int DurabilityOffset = 52;
    public const int SchemaHashOffset = 56;
    public const int EventTypeLengthOffset = 64;
    public const int EventTypeOffset = 68;
    public const int HeaderCrcOffset = EventTypeOffset + MaxEventTypeBytes;

    // Record offsets.
    public const int LengthOffset = 0;
    public const int CrcOffset = 4;
    public const int CrcStart = 8;
    public const int KindOffset = 8;
    public const int CountOffset = 12;
    public const int PositionOffset = 16;
    public const int ClockOffset = 24;
    public const int ValueOffset = 32;

    public static long Align(long bytes) => (bytes + RecordAlignment - 1) & ~(long)(RecordAlignment - 1);

    public static string SegmentFileName(long index) => index.ToString("D12", System.Globalization.CultureInfo.InvariantCulture) + FileExtension;

    /// <summary>
    /// The index in a segment file's name (<see cref="SegmentFileName"/>'s inverse: exactly <see cref="IndexDigits"/> digits
    /// and the extension); false for a file of any other name, which no reader or writer ever opens or deletes.
    /// </summary>
    public static bool TryParseSegmentIndex(string path, out long index)
    {
        ReadOnlySpan<char> name = Path.GetFileName(path.AsSpan());
        index = 0;
        if (name.Length != IndexDigits + FileExtension.Length || !name.EndsWith(FileExtension, StringComparison.Ordinal))
        {
            return false;
        }

        foreach (char c in name[..IndexDigits])
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        index = long.Parse(name[..IndexDigits], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture);
        return true;
    }

    /// <summary>The segment files in <paramref name="directory"/> (named as <see cref="SegmentFileName"/> names them), oldest first.</summary>
    public static string[] ListSegments(string directory)
    {
        string[] files = Directory.GetFiles(directory, "*" + FileExtension);
        int kept = 0;
        foreach (string file in files)
        {
            if (TryParseSegmentIndex(file, out _))
            {
                files[kept++] = file;
            }
        }

        Array.Resize(ref files, kept);
        Array.Sort(files, StringComparer.Ordinal);
        return files;
    }

    /// <summary>
    /// Writes a header into a fresh (zeroed) mapping. The magic is stored last, with release: a reader that
    /// sees it sees the whole header; a last segment without it is still being created.
    /// </summary>
    public static unsafe void WriteHeader(byte* destination, JournalSegmentInfo info)
    {
        var header = new Span<byte>(destination, HeaderBytes);
        BinaryPrimitives.WriteUInt32LittleEndian(header[VersionOffset..], Version);
        BinaryPrimitives.WriteUInt32LittleEndian(header[HeaderBytesOffset..], HeaderBytes);
        BinaryPrimitives.WriteInt64LittleEndian(header[SegmentBytesOffset..], info.SegmentBytes);
        BinaryPrimitives.WriteInt64LittleEndian(header[SegmentIndexOffset..], info.Index);
        BinaryPrimitives.WriteInt64LittleEndian(header[FirstPositionOffset..], info.FirstPosition);
        BinaryPrimitives.WriteInt64LittleEndian(header[CreatedOffset..], info.CreatedUnixMilliseconds);
        BinaryPrimitives.WriteInt32LittleEndian(header[EventSizeOffset..], info.EventSize);
        BinaryPrimitives.WriteInt32LittleEndian(header[DurabilityOffset..], (int)info.Durability);
        BinaryPrimitives.WriteUInt64LittleEndian(header[SchemaHashOffset..], info.SchemaHash);
        int typeBytes = Encoding.UTF8.GetBytes(info.EventType.AsSpan(), header.Slice(EventTypeOffset, MaxEventTypeBytes));
        BinaryPrimitives.WriteInt32LittleEndian(header[EventTypeLengthOffset..], typeBytes);
        BinaryPrimitives.WriteUInt32LittleEndian(header[HeaderCrcOffset..], Crc32C.Compute(header[VersionOffset..HeaderCrcOffset]));
        Volatile.Write(ref *(ulong*)destination, BitConverter.IsLittleEndian ? Magic : BinaryPrimitives.ReverseEndianness(Magic));
    }

    /// <summary>True when neither magic is there (yet): a segment being created. A compressed segment has its own.</summary>
    public static bool HasNoMagic(ReadOnlySpan<byte> header) =>
        header.Length < sizeof(ulong) || BinaryPrimitives.ReadUInt64LittleEndian(header) is not (Magic or CompressedMagic);

    /// <summary>True when the file starts with a compressed segment's magic.</summary>
    public static bool IsCompressed(ReadOnlySpan<byte> header) =>
        header.Length >= sizeof(ulong) && BinaryPrimitives.ReadUInt64LittleEndian(header) == CompressedMagic;

    /// <summary>Writes a compressed segment's 64-byte header (magic first: the file is renamed into place only when whole).</summary>
    public static void WriteCompressedHeader(Span<byte> header, ushort compressorId, long rawBytes, long packedBytes, uint packedCrc)
    {
        header[..CompressedHeaderBytes].Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(header, CompressedMagic);
        BinaryPrimitives.WriteUInt32LittleEndian(header[CompressedVersionOffset..], CompressedVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(header[CompressorIdOffset..], compressorId);
        BinaryPrimitives.WriteInt64LittleEndian(header[RawBytesOffset..], rawBytes);
        BinaryPrimitives.WriteInt64LittleEndian(header[PackedBytesOffset..], packedBytes);
        BinaryPrimitives.WriteUInt32LittleEndian(header[PackedCrcOffset..], packedCrc);
        BinaryPrimitives.WriteUInt32LittleEndian(header[CompressedHeaderCrcOffset..], Crc32C.Compute(header[CompressedVersionOffset..CompressedHeaderCrcOffset]));
    }

    /// <summary>Reads a compressed segment's header; false with the reason when it is not a valid one.</summary>
    public static bool TryReadCompressedHeader(ReadOnlySpan<byte> header, out ushort compressorId, out long rawBytes, out long packedBytes, out uint packedCrc, out string? problem)
    {
        compressorId = 0;
        rawBytes = packedBytes = 0;
        packedCrc = 0;
        if (header.Length < CompressedHeaderBytes)
        {
            problem = $"the compressed segment is {header.Length} bytes, shorter than its header ({CompressedHeaderBytes})";
            return false;
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(header[CompressedHeaderCrcOffset..]) != Crc32C.Compute(header[CompressedVersionOffset..CompressedHeaderCrcOffset]))
        {
            problem = "the compressed segment header's CRC does not match";
            return false;
        }

        uint version = BinaryPrimitives.ReadUInt32LittleEndian(header[CompressedVersionOffset..]);
        if (version != CompressedVersion)
        {
            problem = $"compressed format version {version}, this build reads {CompressedVersion}";
            return false;
        }

        compressorId = BinaryPrimitives.ReadUInt16LittleEndian(header[CompressorIdOffset..]);
        rawBytes = BinaryPrimitives.ReadInt64LittleEndian(header[RawBytesOffset..]);
        packedBytes = BinaryPrimitives.ReadInt64LittleEndian(header[PackedBytesOffset..]);
        packedCrc = BinaryPrimitives.ReadUInt32LittleEndian(header[PackedCrcOffset..]);
        if (rawBytes < HeaderBytes + RecordHeaderBytes || rawBytes > int.MaxValue || packedBytes < 0 || packedBytes > int.MaxValue)
        {
            problem = $"the compressed segment header gives impossible sizes (raw {rawBytes}, compressed {packedBytes})";
            return false;
        }

        problem = null;
        return true;
    }

    /// <summary>Reads a header; null when it is not a valid one, with the reason.</summary>
    public static JournalSegmentInfo? ReadHeader(ReadOnlySpan<byte> header, string path, out string? problem)
    {
        if (header.Length < HeaderBytes)
        {
            problem = $"the file is {header.Length} bytes, shorter than a segment header ({HeaderBytes})";
            return null;
        }

        if (BinaryPrimitives.ReadUInt64LittleEndian(header[MagicOffset..]) != Magic)
        {
            problem = "no journal segment header (magic)";
            return null;
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(header[HeaderCrcOffset..]) != Crc32C.Compute(header[VersionOffset..HeaderCrcOffset]))
        {
            problem = "the segment header's CRC does not match";
            return null;
        }

        uint version = BinaryPrimitives.ReadUInt32LittleEndian(header[VersionOffset..]);
        if (version != Version)
        {
            problem = $"format version {version}, this build reads {Version}";
            return null;
        }

        int typeBytes = BinaryPrimitives.ReadInt32LittleEndian(header[EventTypeLengthOffset..]);
        problem = null;
        return new JournalSegmentInfo
        {
            Path = path,
            Index = BinaryPrimitives.ReadInt64LittleEndian(header[SegmentIndexOffset..]),
            FirstPosition = BinaryPrimitives.ReadInt64LittleEndian(header[FirstPositionOffset..]),
            CreatedUnixMilliseconds = BinaryPrimitives.ReadInt64LittleEndian(header[CreatedOffset..]),
            SegmentBytes = BinaryPrimitives.ReadInt64LittleEndian(header[SegmentBytesOffset..]),
            EventSize = BinaryPrimitives.ReadInt32LittleEndian(header[EventSizeOffset..]),
            Durability = (JournalDurability)BinaryPrimitives.ReadInt32LittleEndian(header[DurabilityOffset..]),
            SchemaHash = BinaryPrimitives.ReadUInt64LittleEndian(header[SchemaHashOffset..]),
            EventType = Encoding.UTF8.GetString(header.Slice(EventTypeOffset, Math.Clamp(typeBytes, 0, MaxEventTypeBytes))),
        };
    }
}

using System.Buffers.Binary;
using System.Text;
using K4os.Compression.LZ4;

namespace LowLatency.Engine.State;

/// <summary>
/// The snapshot envelope: <c>"LLSN"</c>, format version, the operator's identity, lengths, a CRC-32 of the
/// compressed body, then the LZ4 body. Reading checks each of these before any state is touched.
/// </summary>
/// <remarks>Snapshots are taken at a sequence barrier (between events), off the per-event path; they allocate.</remarks>
public static class SnapshotCodec
{
    /// <summary>The format version written; a reader refuses any other.</summary>
    public const ushort FormatVersion = 1;

    private const int HeaderFixed = 4 + 2 + 2 + 4 + 4 + 4; // magic, version, identity length, raw length, compressed length, crc
    private static ReadOnlySpan<byte> Magic => "LLSN"u8;

    /// <summary>Wraps <paramref name="body"/> (the raw state of the operator named <paramref name="identity"/>) and writes it.</summary>
    public static void Write(Stream destination, string identity, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(destination);
        byte[] id = Encoding.UTF8.GetBytes(identity);
        byte[] compressed = new byte[LZ4Codec.MaximumOutputSize(body.Length)];
        int compressedLength = body.Length == 0 ? 0 : LZ4Codec.Encode(body, compressed, LZ4Level.L00_FAST);
        Span<byte> header = stackalloc byte[HeaderFixed];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], FormatVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], checked((ushort)id.Length));
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], body.Length);
        BinaryPrimitives.WriteInt32LittleEndian(header[12..], compressedLength);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], Crc32.Compute(compressed.AsSpan(0, compressedLength)));
        destination.Write(header);
        destination.Write(id);
        destination.Write(compressed, 0, compressedLength);
    }

    /// <summary>Reads and checks a snapshot written for <paramref name="identity"/>; returns its raw body.</summary>
    /// <exception cref="SnapshotFormatException">Truncated, corrupt, another format version, or another operator.</exception>
    public static byte[] Read(Stream source, string identity)
    {
        ArgumentNullException.ThrowIfNull(source);
        Span<byte> header = stackalloc byte[HeaderFixed];
        ReadExactly(source, header, "header");
        if (!header[..4].SequenceEqual(Magic))
        {
            throw new SnapshotFormatException("Not a LowLatency snapshot: the magic bytes are wrong.");
        }

        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(header[4..]);
        if (version != FormatVersion)
        {
            throw new SnapshotFormatException($"Snapshot format version {version} is not supported (this build reads version {FormatVersion}).");
        }

        int idLength = BinaryPrimitives.ReadUInt16LittleEndian(header[6..]);
        int rawLength = BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
        int compressedLength = BinaryPrimitives.ReadInt32LittleEndian(header[12..]);
        uint crc = BinaryPrimitives.ReadUInt32LittleEndian(header[16..]);
        if (rawLength < 0 || compressedLength < 0 || compressedLength > LZ4Codec.MaximumOutputSize(rawLength) || rawLength > (1 << 30))
        {
            throw new SnapshotFormatException($"Snapshot lengths are inconsistent (raw {rawLength}, compressed {compressedLength}): the snapshot is corrupt.");
        }

        byte[] id = new byte[idLength];
        ReadExactly(source, id, "operator identity");
        string foundIdentity = Encoding.UTF8.GetString(id);
        if (foundIdentity != identity)
        {
            throw new SnapshotFormatException($"The snapshot belongs to another operator or configuration ('{foundIdentity}'); this operator is '{identity}'.");
        }

        byte[] compressed = new byte[compressedLength];
        ReadExactly(source, compressed, "body");
        if (Crc32.Compute(compressed) != crc)
        {
            throw new SnapshotFormatException("The snapshot checksum does not match: the snapshot is corrupt.");
        }

        byte[] raw = new byte[rawLength];
        if (rawLength > 0 && LZ4Codec.Decode(compressed, raw) != rawLength)
        {
            throw new SnapshotFormatException("The snapshot body does not decompress to its recorded length: the snapshot is corrupt.");
        }

        return raw;
    }

    /// <summary>Writes a snapshot of <paramref name="identity"/> whose body <paramref name="body"/> writes.</summary>
    internal static void Write(Stream destination, string identity, Action<BinaryWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            body(writer);
        }

        Write(destination, identity, buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    /// <summary>
    /// Reads a snapshot of <paramref name="identity"/> into state that <paramref name="clear"/> empties first and
    /// <paramref name="body"/> fills. Any corruption (a body too short or too long, too) leaves the state cleared and
    /// throws <see cref="SnapshotFormatException"/>.
    /// </summary>
    internal static void Read(Stream source, string identity, Action<BinaryReader> body, Action clear)
    {
        byte[] raw = Read(source, identity);
        clear();
        try
        {
            using var reader = new BinaryReader(new MemoryStream(raw, writable: false));
            body(reader);
            if (reader.BaseStream.Position != raw.Length)
            {
                throw new SnapshotFormatException("The snapshot body has trailing bytes: it is corrupt.");
            }
        }
        catch (Exception ex) when (ex is EndOfStreamException or InvalidDataException)
        {
            clear();
            throw new SnapshotFormatException("The snapshot body ends early or does not fit its reader: it is corrupt.", ex);
        }
        catch (SnapshotFormatException)
        {
            clear();
            throw;
        }
    }

    private static void ReadExactly(Stream source, Span<byte> buffer, string part)
    {
        if (source.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false) < buffer.Length)
        {
            throw new SnapshotFormatException($"The snapshot is truncated (in its {part}).");
        }
    }
}

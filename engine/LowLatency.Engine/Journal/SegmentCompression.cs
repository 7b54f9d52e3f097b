using System.Buffers;
using System.Runtime.InteropServices;
using LowLatency.Engine.Integrity;
using Microsoft.Win32.SafeHandles;

namespace LowLatency.Engine.Journal;

/// <summary>
/// The one home for compressed segments: writing one (<see cref="Compress"/>: a temporary file, synced, renamed over the
/// sealed raw segment — the rename is the single commit point, so a crash leaves the raw or the compressed segment, never
/// neither), reading one (<see cref="OpenForRead"/>: decompressed whole into memory, every size and CRC checked), and
/// cleaning up after a crash (<see cref="DeleteUnfinished"/>).
/// </summary>
internal static unsafe partial class SegmentCompression
{
    /// <summary>What one compression did.</summary>
    public readonly record struct Outcome(long RawBytes, long CompressedBytes);

    /// <summary>
    /// Compresses the sealed segment at <paramref name="path"/> in place. Checks every record first (a segment that does not
    /// end in its end record, or holds a bad record, is left raw: throws <see cref="JournalCorruptException"/>). The compressed
    /// file is written beside it, fsynced, then renamed over it (and the directory fsynced) while <paramref name="gate"/> is held,
    /// only if the raw segment is still there (retention may have deleted it meanwhile). Null when it was gone.
    /// </summary>
    public static Outcome? Compress(string path, ISegmentCompressor compressor, Lock gate, ref byte[]? buffer)
    {
        JournalSegment? opened;
        try
        {
            opened = JournalSegment.Open(path, writable: false);
        }
        catch (FileNotFoundException)
        {
            return null; // retention deleted it first
        }

        using JournalSegment? raw = opened;
        if (raw is null || JournalFormat.IsCompressed(new ReadOnlySpan<byte>(raw.Base, (int)Math.Min(raw.Length, sizeof(ulong)))))
        {
            return null;
        }

        JournalSegmentInfo info = JournalFormat.ReadHeader(new ReadOnlySpan<byte>(raw.Base, (int)Math.Min(raw.Length, JournalFormat.HeaderBytes)), path, out string? problem)
            ?? throw new JournalCorruptException(path, 0, problem!);
        long rawBytes = SealedLength(raw, info);
        int payloadBytes = checked((int)(rawBytes - JournalFormat.HeaderBytes));
        int needed = JournalFormat.CompressedHeaderBytes + JournalFormat.HeaderBytes + compressor.MaxCompressedLength(payloadBytes);
        if (buffer is null || buffer.Length < needed)
        {
            buffer = new byte[needed];
        }

        string temporary = path + JournalFormat.CompressingSuffix;
        int fileBytes;
        try
        {
            fileBytes = WriteCompressed(raw, rawBytes, compressor, buffer, temporary);

            // Age-based retention counts from the raw segment's last write, not from its compression.
            File.SetLastWriteTimeUtc(temporary, File.GetLastWriteTimeUtc(path));
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }

        lock (gate)
        {
            if (!File.Exists(path))
            {
                File.Delete(temporary);
                return null;
            }

            File.Move(temporary, path, overwrite: true);
        }

        SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        return new Outcome(rawBytes, fileBytes);
    }

    /// <summary>
    /// Opens a segment for reading: mapped when raw; decompressed into memory when compressed (one handle, so a rename
    /// between the look and the read cannot mix the two). Null when the file is empty (being created).
    /// </summary>
    public static JournalSegment? OpenForRead(string path, IReadOnlyList<ISegmentCompressor> compressors)
    {
        SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        Span<byte> magic = stackalloc byte[sizeof(ulong)];
        int read = RandomAccess.Read(handle, magic, 0);
        if (!JournalFormat.IsCompressed(magic[..read]))
        {
            return JournalSegment.Open(handle, path, writable: false);
        }

        using (handle)
        {
            return Decompress(handle, path, compressors);
        }
    }

    /// <summary>Deletes the temporary files of compressions a crash interrupted (the raw segment beside each is intact).</summary>
    public static void DeleteUnfinished(string directory)
    {
        foreach (string temporary in Directory.GetFiles(directory, "*" + JournalFormat.CompressingSuffix))
        {
            if (JournalFormat.TryParseSegmentIndex(temporary[..^JournalFormat.CompressingSuffix.Length], out _))
            {
                File.Delete(temporary);
            }
        }
    }

    /// <summary>Compresses the sealed bytes into <paramref name="buffer"/> and writes them, with both headers, to <paramref name="temporary"/>, synced.</summary>
    private static int WriteCompressed(JournalSegment raw, long rawBytes, ISegmentCompressor compressor, byte[] buffer, string temporary)
    {
        int payloadBytes = (int)(rawBytes - JournalFormat.HeaderBytes);
        Span<byte> packed = buffer.AsSpan(JournalFormat.CompressedHeaderBytes + JournalFormat.HeaderBytes);
        int packedBytes = compressor.Compress(new ReadOnlySpan<byte>(raw.Base + JournalFormat.HeaderBytes, payloadBytes), packed);
        if (packedBytes <= 0 || packedBytes > packed.Length)
        {
            throw new JournalCorruptException(raw.Path, JournalFormat.HeaderBytes, $"the {compressor.Name} compressor returned {packedBytes}");
        }

        JournalFormat.WriteCompressedHeader(buffer, compressor.Id, rawBytes, packedBytes, Crc32C.Compute(packed[..packedBytes]));
        new ReadOnlySpan<byte>(raw.Base, JournalFormat.HeaderBytes).CopyTo(buffer.AsSpan(JournalFormat.CompressedHeaderBytes));
        int fileBytes = JournalFormat.CompressedHeaderBytes + JournalFormat.HeaderBytes + packedBytes;
        using SafeFileHandle handle = File.OpenHandle(temporary, FileMode.Create, FileAccess.ReadWrite, FileShare.None);
        RandomAccess.Write(handle, buffer.AsSpan(0, fileBytes), 0);

        // Always synced, whatever the durability policy: the rename must never replace a raw segment the disk may
        // already hold with a file whose bytes are only in the page cache.
        RandomAccess.FlushToDisk(handle);
        return fileBytes;
    }

    /// <summary>The bytes a sealed segment uses: its header and every record through its end record, each one checked.</summary>
    private static long SealedLength(JournalSegment raw, JournalSegmentInfo info)
    {
        long limit = Math.Min(raw.Length, info.SegmentBytes);
        long offset = JournalFormat.HeaderBytes;
        while (true)
        {
            switch (JournalScan.Check(raw, limit, offset, info.EventSize, out JournalScan.RecordHeader header, out string? problem))
            {
                case JournalScan.Outcome.Record:
                    offset += JournalFormat.Align(header.Length);
                    if (header.Kind == JournalRecordKind.SegmentEnd)
                    {
                        return offset;
                    }

                    break;
                case JournalScan.Outcome.End:
                    throw new JournalCorruptException(raw.Path, offset, "the segment is not sealed (no end record): only sealed segments are compressed");
                default:
                    throw new JournalCorruptException(raw.Path, offset, problem!);
            }
        }
    }

    private static JournalSegment Decompress(SafeFileHandle handle, string path, IReadOnlyList<ISegmentCompressor> compressors)
    {
        long fileBytes = RandomAccess.GetLength(handle);
        Span<byte> headers = stackalloc byte[JournalFormat.CompressedHeaderBytes + JournalFormat.HeaderBytes];
        headers = headers[..RandomAccess.Read(handle, headers, 0)];
        if (!JournalFormat.TryReadCompressedHeader(headers, out ushort id, out long rawBytes, out long packedBytes, out uint packedCrc, out string? problem))
        {
            throw new JournalCorruptException(path, 0, problem!);
        }

        if (headers.Length < JournalFormat.CompressedHeaderBytes + JournalFormat.HeaderBytes)
        {
            throw new JournalCorruptException(path, JournalFormat.CompressedHeaderBytes, $"the compressed segment is {fileBytes} bytes, shorter than its two headers");
        }

        ISegmentCompressor compressor = Find(compressors, id)
            ?? throw new JournalCorruptException(path, 0, $"compressed with compressor id {id}, which this reader was not given (known: {Names(compressors)})");
        long packedAt = JournalFormat.CompressedHeaderBytes + JournalFormat.HeaderBytes;
        if (packedAt + packedBytes != fileBytes)
        {
            throw new JournalCorruptException(path, packedAt, $"the compressed segment is {fileBytes} bytes, its header says {packedAt + packedBytes}");
        }

        byte[] packed = ArrayPool<byte>.Shared.Rent((int)packedBytes);
        byte* image = (byte*)NativeMemory.Alloc((nuint)rawBytes);
        try
        {
            Span<byte> input = packed.AsSpan(0, (int)packedBytes);
            if (RandomAccess.Read(handle, input, packedAt) != packedBytes || Crc32C.Compute(input) != packedCrc)
            {
                throw new JournalCorruptException(path, packedAt, $"the compressed payload's CRC-32C does not match ({compressor.Name})");
            }

            headers[JournalFormat.CompressedHeaderBytes..].CopyTo(new Span<byte>(image, JournalFormat.HeaderBytes));
            int payloadBytes = (int)rawBytes - JournalFormat.HeaderBytes;
            int decoded = compressor.Decompress(input, new Span<byte>(image + JournalFormat.HeaderBytes, payloadBytes));
            if (decoded != payloadBytes)
            {
                throw new JournalCorruptException(path, packedAt, $"the {compressor.Name} payload decompresses to {decoded} bytes, the header says {payloadBytes}");
            }

            JournalSegment segment = JournalSegment.FromImage(path, image, rawBytes);
            image = null;
            return segment;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(packed);
            if (image is not null)
            {
                NativeMemory.Free(image);
            }
        }
    }

    private static ISegmentCompressor? Find(IReadOnlyList<ISegmentCompressor> compressors, ushort id)
    {
        foreach (ISegmentCompressor compressor in compressors)
        {
            if (compressor.Id == id)
            {
                return compressor;
            }
        }

        return null;
    }

    private static string Names(IReadOnlyList<ISegmentCompressor> compressors)
    {
        var names = new List<string>(compressors.Count);
        foreach (ISegmentCompressor compressor in compressors)
        {
            names.Add($"{compressor.Name} = {compressor.Id}");
        }

        return names.Count == 0 ? "none" : string.Join(", ", names);
    }

    /// <summary>Makes a rename in <paramref name="directory"/> durable (Linux: fsync of the directory).</summary>
    private static void SyncDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        int descriptor = OpenDirectory(directory, 0x10000 /* O_RDONLY | O_DIRECTORY */);
        if (descriptor < 0)
        {
            throw new IOException($"Opening journal directory '{directory}' to sync it failed (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (FSync(descriptor) != 0)
            {
                throw new IOException($"fsync of journal directory '{directory}' failed (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenDirectory(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FSync(int descriptor);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int descriptor);
}

using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace LowLatency.Engine.Journal;

/// <summary>
/// One segment file mapped into memory (shared with every other mapping of the file, so a tailer in another
/// process reads the writer's stores). The writer allocates the whole file when it creates it
/// (<c>fallocate</c> through <see cref="File.OpenHandle"/>'s preallocation): a full disk is an
/// <see cref="IOException"/> at creation, never a SIGBUS on a later store into a hole. A compressed segment is
/// read as an image: its bytes decompressed into native memory this object owns (<see cref="FromImage"/>).
/// </summary>
internal sealed unsafe partial class JournalSegment : IDisposable
{
    private const int MsSync = 4; // Linux MS_SYNC
    private const int MadvRandom = 1;
    private const int MadvPopulateWrite = 23; // Linux ≥ 5.14
    private readonly MemoryMappedFile? _file;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly byte* _base;
    private readonly bool _ownsImage;
    private bool _disposed;

    private JournalSegment(string path, MemoryMappedFile file, MemoryMappedViewAccessor view, long length)
    {
        Path = path;
        _file = file;
        _view = view;
        Length = length;
        byte* pointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        _base = pointer + view.PointerOffset;
    }

    private JournalSegment(string path, byte* image, long length)
    {
        Path = path;
        _base = image;
        _ownsImage = true;
        Length = length;
    }

    public string Path { get; private set; }

    /// <summary>Delete the file when disposed (a prepared segment never used, a retired one the writer gave up).</summary>
    public bool DeleteOnDispose { get; set; }

    /// <summary>Mapped bytes (the file's length when mapped).</summary>
    public long Length { get; }

    public byte* Base => _base;

    public Span<byte> Bytes(long offset, int length) => new(_base + offset, length);

    /// <summary>Creates and maps a new segment of <paramref name="bytes"/>, allocated up front. Throws <see cref="IOException"/> when there is no room.</summary>
    public static JournalSegment Create(string path, long bytes)
    {
        if (File.Exists(path))
        {
            throw new IOException($"Journal segment '{path}' already exists; another writer may own this journal.");
        }

        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, FileOptions.None, preallocationSize: bytes);
        }
        catch (IOException)
        {
            TryDelete(path);
            throw;
        }

        try
        {
            RandomAccess.SetLength(handle, bytes);
            MemoryMappedFile file = MemoryMappedFile.CreateFromFile(handle, null, bytes, MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, leaveOpen: false);
            var segment = new JournalSegment(path, file, file.CreateViewAccessor(0, bytes, MemoryMappedFileAccess.ReadWrite), bytes);
            AdviseFreshWrites(segment._base, bytes);
            return segment;
        }
        catch
        {
            handle.Dispose();
            TryDelete(path);
            throw;
        }
    }

    /// <summary>Takes ownership of <paramref name="image"/> (<see cref="NativeMemory.Alloc(nuint)"/>ed, <paramref name="length"/> bytes): a decompressed segment.</summary>
    public static JournalSegment FromImage(string path, byte* image, long length) => new(path, image, length);

    /// <summary>Maps an existing segment; null when the file is empty (a segment being created right now).</summary>
    public static JournalSegment? Open(string path, bool writable)
    {
        FileAccess access = writable ? FileAccess.ReadWrite : FileAccess.Read;
        return Open(File.OpenHandle(path, FileMode.Open, access, FileShare.ReadWrite | FileShare.Delete), path, writable);
    }

    /// <summary>Maps the segment open in <paramref name="handle"/> (owned from here on); null when the file is empty.</summary>
    public static JournalSegment? Open(SafeFileHandle handle, string path, bool writable)
    {
        try
        {
            long length = RandomAccess.GetLength(handle);
            if (length == 0)
            {
                handle.Dispose();
                return null;
            }

            MemoryMappedFileAccess mapAccess = writable ? MemoryMappedFileAccess.ReadWrite : MemoryMappedFileAccess.Read;
            MemoryMappedFile file = MemoryMappedFile.CreateFromFile(handle, null, 0, mapAccess, HandleInheritability.None, leaveOpen: false);
            return new JournalSegment(path, file, file.CreateViewAccessor(0, length, mapAccess), length);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// How a writer maps a fresh file (Linux): without readahead (<c>MADV_RANDOM</c>). A fault in its holes otherwise zeroes
    /// a run of large folios ahead at once, kernel work that held a core for up to 60 ms on the 2-core VM
    /// (perf/probes/page-cost.c). Readahead is cheaper per page where memory is warm; the bound on the stall is the point on
    /// a latency path. Readers map the file themselves and keep their readahead. The lab's mapped-memcpy baseline maps its
    /// fresh files through this too, so it stays the journal's limit.
    /// </summary>
    internal static void AdviseFreshWrites(byte* address, long bytes)
    {
        if (OperatingSystem.IsLinux())
        {
            _ = MAdvise(address, (nuint)bytes, MadvRandom);
        }
    }

    /// <summary>Linux: makes [<paramref name="offset"/>, +<paramref name="length"/>) resident and writable (<c>MADV_POPULATE_WRITE</c>); false where the kernel cannot.</summary>
    public bool TryPopulateWrite(long offset, long length) =>
        OperatingSystem.IsLinux() && MAdvise(_base + offset, (nuint)length, MadvPopulateWrite) == 0;

    /// <summary>Renames the file (the mapping stays valid); throws <see cref="IOException"/> when <paramref name="path"/> exists.</summary>
    public void Rename(string path)
    {
        File.Move(Path, path, overwrite: false);
        Path = path;
    }

    /// <summary>The file was renamed to <paramref name="path"/> by its owner (the mapping stays valid).</summary>
    public void Renamed(string path) => Path = path;

    /// <summary>Writes the dirty pages of [<paramref name="offset"/>, +<paramref name="length"/>) to the disk and waits.</summary>
    public void Sync(long offset, long length)
    {
        if (length <= 0)
        {
            return;
        }

        if (OperatingSystem.IsLinux())
        {
            long page = Environment.SystemPageSize;
            long start = offset & ~(page - 1);
            if (MSync(_base + start, (nuint)(offset + length - start), MsSync) != 0)
            {
                throw new IOException($"msync of journal segment '{Path}' failed (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        else
        {
            _view?.Flush();
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_ownsImage)
        {
            NativeMemory.Free(_base);
        }
        else
        {
            // Unmap first: the accessor's own Dispose flushes an open view (msync MS_SYNC of the whole segment: 48-127 ms
            // of waiting for the disk per 64 MiB, measured under load), which would make every roll a sync whatever the policy.
            // What reaches the disk, and when, is the writer's durability policy (JournalWriter.Sync), not the unmapping.
            _view!.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.SafeMemoryMappedViewHandle.Dispose();
            _view.Dispose();
            _file!.Dispose();
        }

        if (DeleteOnDispose)
        {
            TryDelete(Path);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    [LibraryImport("libc", EntryPoint = "madvise", SetLastError = true)]
    private static partial int MAdvise(byte* address, nuint length, int advice);

    [LibraryImport("libc", EntryPoint = "msync", SetLastError = true)]
    private static partial int MSync(byte* address, nuint length, int flags);
}

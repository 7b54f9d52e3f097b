using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using LowLatency.Engine.Journal;
using LowLatency.Lab.Journal;

namespace LowLatency.Lab.Bench.Journal;

/// <summary>
/// The physical limit of the append path: the same bytes copied into the same kind of mapped, preallocated
/// 64 MiB files (a fresh file mapped as the journal's writer maps it, through <see cref="JournalSegment.AdviseFreshWrites"/>:
/// without readahead since stop 21), with no record header, no CRC and no ordering: what the journal adds is the difference. With
/// <c>recycled</c>, the files were written once before the timer starts and are mapped and written again: what
/// reusing retired segments (whose pages are still in the page cache) instead of creating fresh ones would save —
/// a first write to a fresh page makes the kernel allocate and zero it in the fault, a rewrite only maps it.
/// </summary>
internal sealed unsafe class JournalMappedCopyBaselineScenario(bool recycled = false) : IBenchScenario
{
    public string Name => recycled ? "journal-mapped-memcpy-recycled" : "journal-mapped-memcpy-baseline";

    public string Group => "journal";

    public string Description => recycled
        ? "the same memcpy into 64 MiB mapped files written once before the timer (recycled segments: pages in the page cache)"
        : "memcpy of the same 2 KiB batches into 64 MiB preallocated mapped files (created in the loop)";

    public BenchResult Run(BenchContext context)
    {
        long n = JournalBenchFiles.Events(context);
        ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(JournalBenchFiles.CreateBatch().AsSpan());
        string folder = JournalBenchFiles.CreateFolder();
        try
        {
            if (recycled)
            {
                Copy(folder, n, bytes);
            }

            var measurement = BenchMeasurement.Start();
            Copy(folder, n, bytes);
            return measurement.Stop(n);
        }
        finally
        {
            JournalBenchFiles.Delete(folder);
        }
    }

    /// <summary>Copies <paramref name="n"/> events' bytes into segment files 0, 1, … of <paramref name="folder"/>, creating those that do not exist.</summary>
    private static void Copy(string folder, long n, ReadOnlySpan<byte> bytes)
    {
        long segmentBytes = JournalBenchFiles.SegmentBytes;
        int file = 0;
        MemoryMappedFile? map = null;
        MemoryMappedViewAccessor? view = null;
        byte* at = null;
        long offset = segmentBytes;
        for (long i = 0; i < n; i += JournalBenchFiles.Batch)
        {
            if (offset + bytes.Length > segmentBytes)
            {
                Close(map, view);
                string path = Path.Combine(folder, $"{file++}.bin");
                bool exists = File.Exists(path);
                var handle = File.OpenHandle(path, exists ? FileMode.Open : FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.None, exists ? 0 : segmentBytes);
                map = MemoryMappedFile.CreateFromFile(handle, null, segmentBytes, MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, leaveOpen: false);
                view = map.CreateViewAccessor(0, segmentBytes);
                view.SafeMemoryMappedViewHandle.AcquirePointer(ref at);
                if (!exists)
                {
                    JournalSegment.AdviseFreshWrites(at, segmentBytes);
                }

                offset = 0;
            }

            int length = JournalBenchFiles.BatchAt(i, n) * JournalBenchFiles.EventBytes;
            bytes[..length].CopyTo(new Span<byte>(at + offset, length));
            offset += length;
        }

        Close(map, view);
    }

    private static void Close(MemoryMappedFile? map, MemoryMappedViewAccessor? view)
    {
        if (view is not null)
        {
            view.SafeMemoryMappedViewHandle.ReleasePointer();
            view.Dispose();
        }

        map?.Dispose();
    }
}

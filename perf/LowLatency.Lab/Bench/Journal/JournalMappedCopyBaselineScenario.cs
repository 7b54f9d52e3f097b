using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using LowLatency.Lab.Journal;

namespace LowLatency.Lab.Bench.Journal;

/// <summary>
/// The physical limit of the append path: the same bytes copied into the same kind of mapped, preallocated
/// 64 MiB files, with no record header, no CRC and no ordering: what the journal adds is the difference.
/// </summary>
internal sealed unsafe class JournalMappedCopyBaselineScenario : IBenchScenario
{
    public string Name => "journal-mapped-memcpy-baseline";

    public string Group => "journal";

    public string Description => "memcpy of the same 2 KiB batches into 64 MiB preallocated mapped files (created in the loop)";

    public BenchResult Run(BenchContext context)
    {
        long n = JournalBenchFiles.Events(context);
        ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(JournalBenchFiles.CreateBatch().AsSpan());
        string folder = JournalBenchFiles.CreateFolder();
        try
        {
            var measurement = BenchMeasurement.Start();
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
                    var handle = File.OpenHandle(Path.Combine(folder, $"{file++}.bin"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.None, segmentBytes);
                    map = MemoryMappedFile.CreateFromFile(handle, null, segmentBytes, MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, leaveOpen: false);
                    view = map.CreateViewAccessor(0, segmentBytes);
                    view.SafeMemoryMappedViewHandle.AcquirePointer(ref at);
                    offset = 0;
                }

                int length = JournalBenchFiles.BatchAt(i, n) * JournalBenchFiles.EventBytes;
                bytes[..length].CopyTo(new Span<byte>(at + offset, length));
                offset += length;
            }

            Close(map, view);
            return measurement.Stop(n);
        }
        finally
        {
            JournalBenchFiles.Delete(folder);
        }
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

using System.Runtime.InteropServices;

namespace LowLatency.Lab.Bench.Journal;

/// <summary>
/// The plain way: the same 2 KiB batches written sequentially through a <see cref="FileStream"/> with a 1 MiB buffer
/// (so a write system call carries 1 MiB, not one batch), page cache, no flush to the disk.
/// </summary>
internal sealed class JournalFileStreamBaselineScenario : IBenchScenario
{
    public string Name => "journal-filestream-baseline";

    public string Group => "journal";

    public string Description => "FileStream.Write of the same 2 KiB batches, one file, 1 MiB buffer (1 MiB write calls), page cache";

    public BenchResult Run(BenchContext context)
    {
        long n = JournalBenchFiles.Events(context);
        byte[] bytes = MemoryMarshal.AsBytes(JournalBenchFiles.CreateBatch().AsSpan()).ToArray();
        string folder = JournalBenchFiles.CreateFolder();
        try
        {
            var measurement = BenchMeasurement.Start();
            using (var stream = new FileStream(Path.Combine(folder, "events.bin"), FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 20))
            {
                for (long i = 0; i < n; i += JournalBenchFiles.Batch)
                {
                    stream.Write(bytes, 0, JournalBenchFiles.BatchAt(i, n) * JournalBenchFiles.EventBytes);
                }
            }

            return measurement.Stop(n);
        }
        finally
        {
            JournalBenchFiles.Delete(folder);
        }
    }
}

using System.Runtime.InteropServices;

namespace LowLatency.Lab.Bench.Journal;

/// <summary>
/// The plain way: the same 2 KiB batches written sequentially through a <see cref="FileStream"/> with a 1 MiB buffer
/// (so a write system call carries 1 MiB, not one batch), page cache, no flush to the disk. With
/// <c>flushPerBatch</c>, each batch is handed to the kernel when it is written (<see cref="FileStream.Flush()"/>: one
/// write call per batch), the guarantee the journal gives with durability None: a batch is in the page cache, so it
/// survives a killed process and a reader in another process sees it, as soon as the call returns. Buffered, up to
/// 1 MiB sits in the process's memory, invisible to readers and lost with the process.
/// </summary>
internal sealed class JournalFileStreamBaselineScenario(bool flushPerBatch = false) : IBenchScenario
{
    public string Name => flushPerBatch ? "journal-filestream-flush-baseline" : "journal-filestream-baseline";

    public string Group => "journal";

    public string Description => flushPerBatch
        ? "FileStream.Write + Flush of the same 2 KiB batches: each batch in the page cache when the call returns, as the journal's"
        : "FileStream.Write of the same 2 KiB batches, one file, 1 MiB buffer (1 MiB write calls), page cache";

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
                    if (flushPerBatch)
                    {
                        stream.Flush();
                    }
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

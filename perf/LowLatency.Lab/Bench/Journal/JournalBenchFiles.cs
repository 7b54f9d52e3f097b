using LowLatency.Lab.Journal;

namespace LowLatency.Lab.Bench.Journal;

/// <summary>
/// What the journal scenarios share: 32-byte events in batches of 64 (2 KiB, a typical stage batch), 64 MiB
/// segments, at most 8 M events (256 MiB) per run so a run never fills the disk, and a fresh folder per run.
/// </summary>
internal static class JournalBenchFiles
{
    public const int Batch = 64;
    public const long SegmentBytes = 64L << 20;
    public const long MaxEvents = 8L << 20;

    public static int EventBytes => System.Runtime.CompilerServices.Unsafe.SizeOf<ProbeEvent>();

    public static long Events(BenchContext context) => Math.Min(context.Events, MaxEvents);

    /// <summary>Events in the batch that starts at event <paramref name="i"/> of <paramref name="n"/>: a full batch, or what is left (so a run writes exactly n).</summary>
    public static int BatchAt(long i, long n) => (int)Math.Min(Batch, n - i);

    public static ProbeEvent[] CreateBatch()
    {
        var batch = new ProbeEvent[Batch];
        for (int i = 0; i < batch.Length; i++)
        {
            batch[i] = ProbeEvent.At(i);
        }

        return batch;
    }

    public static string CreateFolder()
    {
        string path = Path.Combine(Path.GetTempPath(), "lowlatency-bench-journal-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    public static void Delete(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

using LowLatency.Engine.Journal;
using LowLatency.Lab.Journal;

namespace LowLatency.Lab.Bench.Journal;

/// <summary>
/// The journal's append path: 32-byte events in batches of 64, one CRC-32C'd record per batch, page-cache durability;
/// with the pretouch thread (the default) or with the journaling thread faulting in its own pages.
/// </summary>
internal sealed class JournalAppendScenario(bool pretouch) : IBenchScenario
{
    public string Name => pretouch ? "journal-append-32b" : "journal-append-32b-no-pretouch";

    public string Group => "journal";

    public string Description => pretouch
        ? "JournalWriter.Append + EndBatch, 32 B events × 64 per record, 64 MiB mapped segments (created in the loop), durability None, pretouch thread"
        : "the same without the pretouch thread: the appending thread takes every page fault and creates and unmaps its segments";

    public BenchResult Run(BenchContext context)
    {
        long n = JournalBenchFiles.Events(context);
        ProbeEvent[] batch = JournalBenchFiles.CreateBatch();
        string folder = JournalBenchFiles.CreateFolder();
        try
        {
            var measurement = BenchMeasurement.Start();
            using (var writer = JournalWriter<ProbeEvent, BlittableCodec<ProbeEvent>>.Open(folder, default, JournalOptions.Default with { SegmentBytes = JournalBenchFiles.SegmentBytes, Pretouch = pretouch }))
            {
                for (long i = 0; i < n; i += JournalBenchFiles.Batch)
                {
                    writer.Append(batch.AsSpan(0, JournalBenchFiles.BatchAt(i, n)), i);
                    writer.EndBatch();
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

using LowLatency.Engine.Journal;
using LowLatency.Lab.Journal;

namespace LowLatency.Lab.Bench.Journal;

/// <summary>The journal's append path: 32-byte events in batches of 64, one CRC-32C'd record per batch, page-cache durability.</summary>
internal sealed class JournalAppendScenario : IBenchScenario
{
    public string Name => "journal-append-32b";

    public string Group => "journal";

    public string Description => "JournalWriter.Append + EndBatch, 32 B events × 64 per record, 64 MiB mapped segments (created in the loop), durability None";

    public BenchResult Run(BenchContext context)
    {
        long n = JournalBenchFiles.Events(context);
        ProbeEvent[] batch = JournalBenchFiles.CreateBatch();
        string folder = JournalBenchFiles.CreateFolder();
        try
        {
            var measurement = BenchMeasurement.Start();
            using (var writer = JournalWriter<ProbeEvent, BlittableCodec<ProbeEvent>>.Open(folder, default, JournalOptions.Default with { SegmentBytes = JournalBenchFiles.SegmentBytes }))
            {
                for (long i = 0; i < n; i += JournalBenchFiles.Batch)
                {
                    writer.Append(batch.AsSpan(0, JournalBenchFiles.BatchAt(i, n)), i);
                    writer.EndBatch(0);
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

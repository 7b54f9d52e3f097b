using LowLatency.Engine.Journal;
using LowLatency.Lab.Journal;

namespace LowLatency.Lab.Bench.Journal;

/// <summary>
/// The journal's append path: 32-byte events in batches of 64, one CRC-32C'd record per batch, page-cache durability;
/// with the pretouch thread (the default) or with the journaling thread faulting in its own pages; or recycling retired
/// segments (retention of one sealed segment, <see cref="JournalOptions.RecycleSegments"/>), the writer opened and run
/// through two segments before the timer so that every roll in it can take a recycled file.
/// </summary>
internal sealed class JournalAppendScenario(bool pretouch, bool recycle = false) : IBenchScenario
{
    public string Name => recycle ? "journal-append-32b-recycled" : pretouch ? "journal-append-32b" : "journal-append-32b-no-pretouch";

    public string Group => "journal";

    public string Description => recycle
        ? "the same with the pretouch thread, retention of one sealed segment and RecycleSegments: each next segment is a retired one's file, zeroed by the pretouch thread (two segments written before the timer)"
        : pretouch
        ? "JournalWriter.Append + EndBatch, 32 B events × 64 per record, 64 MiB mapped segments (created in the loop), durability None, pretouch thread"
        : "the same without the pretouch thread: the appending thread takes every page fault and creates and unmaps its segments";

    public BenchResult Run(BenchContext context)
    {
        long n = JournalBenchFiles.Events(context);
        ProbeEvent[] batch = JournalBenchFiles.CreateBatch();
        string folder = JournalBenchFiles.CreateFolder();
        try
        {
            var options = JournalOptions.Default with
            {
                SegmentBytes = JournalBenchFiles.SegmentBytes,
                Pretouch = pretouch,
                RetainBytes = recycle ? JournalBenchFiles.SegmentBytes : 0,
                RecycleSegments = recycle,
            };
            using var writer = JournalWriter<ProbeEvent, BlittableCodec<ProbeEvent>>.Open(folder, default, options);
            if (recycle)
            {
                Append(writer, batch, 2 * JournalBenchFiles.SegmentBytes / JournalBenchFiles.EventBytes);
            }

            var measurement = BenchMeasurement.Start();
            Append(writer, batch, n);
            writer.Dispose();
            return measurement.Stop(n);
        }
        finally
        {
            JournalBenchFiles.Delete(folder);
        }
    }

    private static void Append(JournalWriter<ProbeEvent, BlittableCodec<ProbeEvent>> writer, ProbeEvent[] batch, long n)
    {
        for (long i = 0; i < n; i += JournalBenchFiles.Batch)
        {
            writer.Append(batch.AsSpan(0, JournalBenchFiles.BatchAt(i, n)), i);
            writer.EndBatch();
        }
    }
}

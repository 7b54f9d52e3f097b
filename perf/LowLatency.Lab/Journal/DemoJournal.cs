using System.Text.Json;
using LowLatency.Engine.Journal;
using LowLatency.Engine.Pipelines;
using LowLatency.Engine.Processing;
using LowLatency.Engine.Time;
using LowLatency.Lab.Demo;
using LowLatency.Lab.Feed;
using LowLatency.Lab.Reporting;

namespace LowLatency.Lab.Journal;

/// <summary>
/// <c>demo --journal DIR</c>: a journaling stage in front of the demo's stages (every tick's input fields, with the
/// batch's processing-clock reading; page-cache durability), and the recorded run's output hash written next to it.
/// The pretouch thread is on: fresh pages are the journal's cost on a small box, and it takes their faults off the
/// stage thread when a core is idle (paced by the writer, in small steps; measured side by side in the README's journal
/// figures).
/// </summary>
internal sealed class DemoJournal : IDisposable
{
    private readonly JournalWriter<DemoTick, DemoTickInputCodec> _writer;

    private DemoJournal(JournalWriter<DemoTick, DemoTickInputCodec> writer) => _writer = writer;

    /// <summary>
    /// Opens the demo's journal; <paramref name="recycle"/> keeps only the last sealed segment and reuses retired
    /// segments' files (<see cref="JournalOptions.RecycleSegments"/>, the bench's <c>-recycled</c> rows).
    /// </summary>
    public static DemoJournal Create(string directory, bool pretouch = true, ISegmentCompressor? compressor = null, long? segmentBytes = null, bool recycle = false)
    {
        long bytes = segmentBytes ?? JournalOptions.Default.SegmentBytes;
        return new(JournalWriter<DemoTick, DemoTickInputCodec>.Open(directory, default, JournalOptions.Default with
        {
            Pretouch = pretouch,
            Compressor = compressor,
            SegmentBytes = bytes,
            RetainBytes = recycle ? bytes : 0,
            RecycleSegments = recycle,
        }));
    }

    /// <summary>How long the demo waits, after its run, for the compression thread to finish the segments sealed so far.</summary>
    public static readonly TimeSpan CompressionWait = TimeSpan.FromSeconds(60);

    /// <summary>True when <paramref name="directory"/> already holds journal segments.</summary>
    public static bool HoldsJournal(string directory) =>
        JournalReader.SegmentFiles(directory).Count > 0;

    public StageGroup<DemoTick> AddStage(Pipeline<DemoTick> pipeline) =>
        pipeline.HandleBatchesWith(
            new JournalStage<DemoTick, DemoTickInputCodec>(_writer, new ProcessingClock(TimeProvider.System)),
            StageOptions.Default with { Name = "journal" });

    /// <summary>After the drain: records what the run output, for <c>replay</c> to compare.</summary>
    public void Complete(ulong outputHash, RunSpec spec, long events)
    {
        if (!_writer.WaitForCompression(CompressionWait))
        {
            Console.Error.WriteLine($"lowlatency: warning: the journal's compression thread did not finish the sealed segments of '{_writer.Directory}' within {CompressionWait.TotalSeconds} s; they stay raw (and readable), the next writer compresses them.");
        }

        var recorded = new RecordedRun
        {
            OutputHash = OutputHash.Format(outputHash),
            Events = events,
            Symbols = spec.Feed.Symbols,
            OutOfOrderBoundNs = (long)spec.Feed.OutOfOrderBound.TotalNanoseconds,
            Capacity = spec.Capacity,
            Topology = spec.Topology.ToString(),
        };
        File.WriteAllText(Path.Combine(_writer.Directory, RecordedRun.FileName), JsonSerializer.Serialize(recorded, LabJsonContext.Default.RecordedRun));
    }

    public void Dispose() => _writer.Dispose();
}

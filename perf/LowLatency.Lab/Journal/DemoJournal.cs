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
/// stage thread (measured side by side in the README's journal figures).
/// </summary>
internal sealed class DemoJournal : IDisposable
{
    private readonly JournalWriter<DemoTick, DemoTickInputCodec> _writer;

    private DemoJournal(JournalWriter<DemoTick, DemoTickInputCodec> writer) => _writer = writer;

    public static DemoJournal Create(string directory, bool pretouch = true) =>
        new(JournalWriter<DemoTick, DemoTickInputCodec>.Open(directory, default, JournalOptions.Default with { Pretouch = pretouch }));

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

using LowLatency.Engine.Journal;
using LowLatency.Engine.Pipelines;
using LowLatency.Lab.Bench.Journal;
using LowLatency.Lab.Commands;
using LowLatency.Lab.Demo;
using LowLatency.Lab.Feed;
using LowLatency.Lab.Journal;
using LowLatency.Lab.Latency;

namespace LowLatency.Lab.Bench.Demo;

/// <summary>
/// <c>lowlatency demo</c> with or without <c>--journal</c>, in process, with the command's defaults (layout, wait
/// strategy, ring) at max speed (<c>--rate 0</c>) or at the default paced 1 M ticks/s: the journal's cost on the
/// whole pipeline, taken in the same run as the demo without it (its reference). Steady-state ticks per second
/// after a 1 s warm-up, with the latency percentiles as figures; every run is verified (nothing lost, duplicated or
/// reordered). The demo runs on the clock, not on the bench's event count: 5 s a run (2 s under <c>--quick</c>),
/// warm-ups included. Figures: the latency percentiles, and the CPU time per steady event of the feed, the stages and
/// the journal's pretouch thread (<see cref="DemoThreadCpu"/>): where the journal's cost goes.
/// </summary>
internal sealed class DemoJournalScenario(long rate, bool journal, bool pretouch = true, bool recycle = false, long? segmentBytes = null) : IBenchScenario
{
    public string Name => $"demo-{(rate == 0 ? "max" : $"{rate / 1_000_000}m")}" + (journal ? "-journal" : "") + (journal && !pretouch ? "-no-pretouch" : "") + (recycle ? "-recycled" : "");

    public string Group => "demo";

    public string Description =>
        (rate == 0 ? "demo --rate 0 (max speed)" : $"demo --rate {rate} (paced)")
        + (journal ? " --journal DIR" + (pretouch ? "" : ", pretouch thread off") : ", no journal")
        + (recycle ? $", retaining one sealed segment and recycling retired ones (segments of {SegmentBytes >> 20} MiB; the first two are fresh, inside the 1 s warm-up at {FreshInsideWarmupRate / 1e6:0.##} M ticks/s or more)" : "")
        + ", 5 s (1 s warm-up), default layout and wait";

    private long SegmentBytes => segmentBytes ?? JournalOptions.Default.SegmentBytes;

    /// <summary>The rate at which the two fresh segments a recycling journal starts with fill within the 1 s warm-up (record headers aside).</summary>
    private double FreshInsideWarmupRate => 2.0 * SegmentBytes / default(DemoTickInputCodec).EventSize;

    private static TimeSpan Duration(BenchContext context) => TimeSpan.FromSeconds(context.Quick ? 2 : 5);

    private static TimeSpan Warmup(BenchContext context) => TimeSpan.FromSeconds(context.Quick ? 0.5 : 1);

    public BenchResult Run(BenchContext context)
    {
        const Topology topology = Topology.Demo;
        int stageThreads = StageLayout.StageThreads(StageLayout.Auto, threads: null, topology);
        string? folder = journal ? JournalBenchFiles.CreateFolder() : null;
        try
        {
            var spec = new RunSpec
            {
                Feed = FeedSettings.Default with { Rate = rate },
                Topology = topology,
                Duration = Duration(context),
                Warmup = Warmup(context),
                WaitStrategy = WaitDefaults.For(WaitStrategyKind.Hybrid, topology, stageThreads),
                StageThreads = stageThreads,
                Journal = folder,
                JournalPretouch = pretouch,
                JournalRecycle = recycle,
                JournalSegmentBytes = SegmentBytes,
            };
            var cpu = new DemoThreadCpu(topology.ToString().ToLowerInvariant());
            RunResult run = LabRun.Execute(spec, cpu.Observe);
            if (!run.Verification.IsClean)
            {
                throw new InvalidOperationException($"{Name}: the run did not verify ({run.Verification.Lost} lost, {run.Verification.Duplicated} duplicated, {run.Verification.Reordered} reordered).");
            }

            var figures = new Dictionary<string, double>
            {
                ["p50Us"] = run.Latency.GetValueAtPercentile(50) / 1e3,
                ["p99Us"] = run.Latency.GetValueAtPercentile(99) / 1e3,
                ["p999Us"] = run.Latency.GetValueAtPercentile(99.9) / 1e3,
            };
            cpu.AddFigures(figures);
            return new BenchResult(run.SteadyEvents, run.SteadyElapsed, run.SteadyGc.AllocatedBytes, figures);
        }
        finally
        {
            if (folder is not null)
            {
                JournalBenchFiles.Delete(folder);
            }
        }
    }
}

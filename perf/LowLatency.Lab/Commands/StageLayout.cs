using LowLatency.Lab.Latency;

namespace LowLatency.Lab.Commands;

/// <summary>
/// How a run's stages are laid out on threads (<c>--layout</c>, <c>--threads</c>): a thread per stage, or the
/// stages grouped onto fewer threads that each run their stages in turn (<c>PipelineOptions.Threads</c>).
/// Auto: a thread per stage when the box has a core for the feed and each stage, else every core but the
/// feed's for stages (one group on 2 cores), so no thread ever needs to park for another to run.
/// </summary>
internal static class StageLayout
{
    public const string Auto = "auto";
    public const string PerStage = "per-stage";
    public const string Grouped = "grouped";

    /// <summary>The stage threads for the options given: 0 = a thread per stage. Throws <see cref="UsageException"/> on bad input.</summary>
    public static int StageThreads(string layout, int? threads, Topology topology)
    {
        int stages = WaitDefaults.Threads(topology) - 1;
        if (threads is { } n && (n < 1 || n > 64))
        {
            throw new UsageException($"--threads must be between 1 and 64 (got {n}).");
        }

        return layout switch
        {
            PerStage when threads is not null => throw new UsageException("--threads applies to --layout grouped or auto, not per-stage."),
            PerStage => 0,
            Grouped => Math.Min(threads ?? 1, stages),
            Auto when threads is { } chosen => Math.Min(chosen, stages),
            Auto => Environment.ProcessorCount > stages ? 0 : Math.Max(1, Environment.ProcessorCount - 1),
            _ => throw new UsageException($"--layout must be {Auto}, {Grouped} or {PerStage} (got '{layout}')."),
        };
    }

    /// <summary>Threads the run keeps busy: the feed's and the stages'.</summary>
    public static int RunThreads(int stageThreads, Topology topology) =>
        stageThreads == 0 ? WaitDefaults.Threads(topology) : 1 + stageThreads;

    /// <summary>One line for a header: how the stages are laid out.</summary>
    public static string Describe(int stageThreads, Topology topology)
    {
        int stages = WaitDefaults.Threads(topology) - 1;
        return stageThreads == 0
            ? $"{stages} stages on a thread each"
            : $"{stages} stages grouped on {stageThreads} thread{(stageThreads == 1 ? string.Empty : "s")} next to the feed";
    }
}

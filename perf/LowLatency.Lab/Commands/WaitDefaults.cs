using LowLatency.Engine.Pipelines;
using LowLatency.Lab.Latency;

namespace LowLatency.Lab.Commands;

/// <summary>
/// The wait strategy a run uses when none is given: the command's spinning choice when every thread of the
/// run has a core (with stages grouped on fewer threads, Yielding: a group never parks), else
/// <see cref="WaitStrategyKind.Blocking"/>. On a 2-core box, stages that spin take
/// the core the next stage needs and latency goes to milliseconds (measured: demo p50 3.3 ms Yielding vs
/// 89 µs Blocking at 1 M/s; latency Pipeline3 p50 13.6 ms Yielding); with a core each, spinning is what
/// gives microseconds.
/// </summary>
internal static class WaitDefaults
{
    /// <summary>The feed thread plus one thread per stage.</summary>
    public static int Threads(Topology topology) => topology switch
    {
        Topology.OneHop => 2,
        Topology.Pipeline3 or Topology.Window => 4,
        Topology.Demo or Topology.Diamond => 5,
        _ => throw new ArgumentOutOfRangeException(nameof(topology), topology, "Unknown topology."),
    };

    public static WaitStrategyKind For(WaitStrategyKind spinning, Topology topology, int stageThreads = 0) =>
        Environment.ProcessorCount < StageLayout.RunThreads(stageThreads, topology) ? WaitStrategyKind.Blocking
        : stageThreads > 0 ? WaitStrategyKind.Yielding
        : spinning;

    /// <summary>A note when an explicitly chosen strategy spins on fewer cores than the run has threads; null otherwise.</summary>
    public static string? Note(WaitStrategyKind chosen, Topology topology, int stageThreads = 0)
    {
        int threads = StageLayout.RunThreads(stageThreads, topology);
        return chosen is WaitStrategyKind.BusySpin or WaitStrategyKind.Yielding && Environment.ProcessorCount < threads
            ? $"note: {chosen} stages spin, and this run has {threads} threads on {Environment.ProcessorCount} cores: expect latency in milliseconds (without --wait-strategy the lab picks Blocking here)"
            : null;
    }
}

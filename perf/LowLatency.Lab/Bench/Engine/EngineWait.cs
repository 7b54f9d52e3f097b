using LowLatency.Engine.Pipelines;

namespace LowLatency.Lab.Bench.Engine;

/// <summary>The consumer wait strategies the engine scenarios measure (named in the scenario name).</summary>
internal enum EngineWait
{
    Yielding,
    BusySpin,
}

internal static class EngineWaitExtensions
{
    public static WaitStrategyKind ToKind(this EngineWait wait) =>
        wait == EngineWait.BusySpin ? WaitStrategyKind.BusySpin : WaitStrategyKind.Yielding;

    public static string ToSlug(this EngineWait wait) =>
        wait == EngineWait.BusySpin ? "busyspin" : "yielding";
}

using LowLatency.Engine.Pipelines;

namespace LowLatency.Lab.Bench.Engine;

/// <summary>The consumer wait strategies the engine scenarios measure (named in the scenario name).</summary>
internal enum EngineWait
{
    Yielding,
    BusySpin,
    Backoff,
}

internal static class EngineWaitExtensions
{
    public static WaitStrategyKind ToKind(this EngineWait wait) => wait switch
    {
        EngineWait.BusySpin => WaitStrategyKind.BusySpin,
        EngineWait.Backoff => WaitStrategyKind.Backoff,
        _ => WaitStrategyKind.Yielding,
    };

    public static string ToSlug(this EngineWait wait) => wait switch
    {
        EngineWait.BusySpin => "busyspin",
        EngineWait.Backoff => "backoff",
        _ => "yielding",
    };
}

using LowLatency.Engine.Waiting;

namespace LowLatency.Engine.Pipelines;

/// <summary>How a pipeline's stages idle while waiting for events.</summary>
public enum WaitStrategyKind
{
    /// <summary>Spin with no pause: lowest latency, one core per waiting stage.</summary>
    BusySpin = 0,

    /// <summary>Spin briefly, then yield between checks: near-spin latency, shares the core with ready threads.</summary>
    Yielding = 1,

    /// <summary>Spin, yield, then sleep 1 ms: low CPU, up to a millisecond of latency, no cost to producers.</summary>
    Sleeping = 2,

    /// <summary>Park on a monitor at once: no idle CPU, OS wake-up latency, a fence per publication.</summary>
    Blocking = 3,

    /// <summary>Spin ~20 µs, yield as long, then park: fast wake-up for bursts, no CPU when quiet (the default).</summary>
    Hybrid = 4,

    /// <summary>
    /// Like <see cref="Yielding"/>, but a caught-up stage re-checks only every
    /// <see cref="PipelineOptions.BackoffInterval"/> (2 µs): the producer runs ahead on cache lines the stage is
    /// not reading, so a saturated ring moves more events per second; up to one interval more wake-up latency.
    /// </summary>
    Backoff = 5,
}

/// <summary>Creates the strategy for a <see cref="WaitStrategyKind"/>.</summary>
public static class WaitStrategies
{
    /// <summary>A strategy of <paramref name="kind"/>; parking kinds get a fresh instance per ring.</summary>
    /// <param name="kind">The strategy.</param>
    /// <param name="backoffInterval">The pause of <see cref="WaitStrategyKind.Backoff"/>; its default when null.</param>
    public static IWaitStrategy Create(WaitStrategyKind kind, TimeSpan? backoffInterval = null) => kind switch
    {
        WaitStrategyKind.BusySpin => BusySpinWaitStrategy.Instance,
        WaitStrategyKind.Yielding => YieldingWaitStrategy.Instance,
        WaitStrategyKind.Sleeping => SleepingWaitStrategy.Instance,
        WaitStrategyKind.Blocking => new BlockingWaitStrategy(),
        WaitStrategyKind.Hybrid => new HybridWaitStrategy(),
        WaitStrategyKind.Backoff => backoffInterval is { } interval ? new BackoffWaitStrategy(interval) : BackoffWaitStrategy.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown wait strategy."),
    };
}

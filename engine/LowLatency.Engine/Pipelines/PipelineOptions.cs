using LowLatency.Engine.Waiting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LowLatency.Engine.Pipelines;

/// <summary>Options of a pipeline. Immutable: change with <c>with</c>; checked by <see cref="Pipeline{T}.Create"/>.</summary>
public sealed record PipelineOptions
{
    /// <summary>4096 slots, single producer, hybrid waiting, 10 s drain and 1 s stop bounds.</summary>
    public static PipelineOptions Default { get; } = new();

    /// <summary>The pipeline's name in metrics and thread names.</summary>
    public string Name { get; init; } = "pipeline";

    /// <summary>Ring slots: a power of two ≥ 2.</summary>
    public int Capacity { get; init; } = 4096;

    /// <summary>One publishing thread or many.</summary>
    public ProducerType ProducerType { get; init; } = ProducerType.Single;

    /// <summary>How stages idle.</summary>
    public WaitStrategyKind WaitStrategy { get; init; } = WaitStrategyKind.Hybrid;

    /// <summary>
    /// The pause between checks of a caught-up stage under <see cref="WaitStrategyKind.Backoff"/> (ignored by
    /// the other strategies): positive, at most 1 ms. Longer lets the producer run further ahead (throughput);
    /// shorter wakes the stage sooner (latency).
    /// </summary>
    public TimeSpan BackoffInterval { get; init; } = BackoffWaitStrategy.DefaultInterval;

    /// <summary>
    /// The most threads the stages may use: 0 (default) gives each stage its own thread (unless
    /// <see cref="Pipeline{T}.ShareThread"/> groups some); N ≥ 1 lays the stages, in the order added, onto at
    /// most N threads, consecutive stages sharing one (see <see cref="Pipeline{T}.Layout"/>). On a box with
    /// fewer cores than stages, sharing beats parking: an event runs through a shared thread's stages in one
    /// pass, with no wake-up between them.
    /// </summary>
    public int Threads { get; init; }

    /// <summary>Default timeout tick for every stage (see <see cref="Processing.ITimeoutAware"/>); none when null.</summary>
    public TimeSpan? TimeoutTick { get; init; }

    /// <summary>How long <see cref="Pipeline{T}.DrainAsync"/> may take before it gives up and stops.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long <see cref="Pipeline{T}.StopAsync"/> waits for stage threads to exit.</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Where the pipeline logs its lifecycle (start, shutdown reason), a stage fault that halts it, dead
    /// letters and stalls. Never per event: nothing is logged on the hot path. Silent by default.
    /// </summary>
    public ILogger Logger { get; init; } = NullLogger.Instance;

    /// <summary>
    /// Checks the options (<see cref="Pipeline{T}.Create"/> does too); throws <see cref="ArgumentException"/>
    /// whose <see cref="ArgumentException.ParamName"/> names the option, e.g. <c>PipelineOptions.Capacity</c>.
    /// Lets a host validate configuration at start, before anything is allocated.
    /// </summary>
    public void Validate()
    {
        if (Capacity < 2 || !int.IsPow2(Capacity))
        {
            ThrowHelper.ThrowOption("PipelineOptions.Capacity", Capacity, "must be a power of two ≥ 2.");
        }

        if (!Enum.IsDefined(ProducerType))
        {
            ThrowHelper.ThrowOption("PipelineOptions.ProducerType", ProducerType, "must be Single or Multi.");
        }

        if (!Enum.IsDefined(WaitStrategy))
        {
            ThrowHelper.ThrowOption("PipelineOptions.WaitStrategy", WaitStrategy, "is not a known strategy.");
        }

        if (Threads < 0)
        {
            ThrowHelper.ThrowOption("PipelineOptions.Threads", Threads, "must be ≥ 0 (0: a thread per stage).");
        }

        BackoffWaitStrategy.CheckInterval(BackoffInterval, "PipelineOptions.BackoffInterval");

        if (Logger is null)
        {
            ThrowHelper.ThrowOption("PipelineOptions.Logger", Logger, "must not be null (NullLogger.Instance logs nothing).");
        }

        if (TimeoutTick is { } tick && tick <= TimeSpan.Zero)
        {
            ThrowHelper.ThrowOption("PipelineOptions.TimeoutTick", tick, "must be positive.");
        }

        if (DrainTimeout <= TimeSpan.Zero)
        {
            ThrowHelper.ThrowOption("PipelineOptions.DrainTimeout", DrainTimeout, "must be positive.");
        }

        if (StopTimeout <= TimeSpan.Zero)
        {
            ThrowHelper.ThrowOption("PipelineOptions.StopTimeout", StopTimeout, "must be positive.");
        }

        if (string.IsNullOrWhiteSpace(Name))
        {
            ThrowHelper.ThrowOption("PipelineOptions.Name", Name, "must not be empty.");
        }
    }
}

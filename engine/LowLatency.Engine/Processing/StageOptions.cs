namespace LowLatency.Engine.Processing;

/// <summary>Options of one stage. Immutable: change with <c>with</c>.</summary>
public sealed record StageOptions
{
    /// <summary>Defaults: named after the handler type, halt on fault, batches bounded by the ring.</summary>
    public static StageOptions Default { get; } = new();

    /// <summary>The stage's name in metrics, faults and thread names (default: the handler's type name).</summary>
    public string? Name { get; init; }

    /// <summary>What to do when the handler throws.</summary>
    public ExceptionPolicy ExceptionPolicy { get; init; } = ExceptionPolicy.Halt;

    /// <summary>The most events handed to the handler per batch (default: no limit beyond the ring).</summary>
    public int MaxBatchSize { get; init; } = int.MaxValue;

    /// <summary>When set, <see cref="ITimeoutAware.OnTimeout"/> is called each time this passes with no new event.</summary>
    public TimeSpan? TimeoutTick { get; init; }

    internal void Validate(string stage)
    {
        if (MaxBatchSize < 1)
        {
            ThrowHelper.ThrowOption($"StageOptions.MaxBatchSize (stage '{stage}')", MaxBatchSize, "must be ≥ 1.");
        }

        if (TimeoutTick is { } tick && tick <= TimeSpan.Zero)
        {
            ThrowHelper.ThrowOption($"StageOptions.TimeoutTick (stage '{stage}')", tick, "must be positive.");
        }

        ArgumentNullException.ThrowIfNull(ExceptionPolicy, "StageOptions.ExceptionPolicy");
        ExceptionPolicy.Validate(stage);
    }
}

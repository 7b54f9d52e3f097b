namespace LowLatency.Engine.Processing;

/// <summary>
/// Handles events a contiguous span at a time. A batch that wraps around the end of the ring arrives as
/// two calls, in order; <see cref="IBatchAware"/> brackets the whole batch.
/// </summary>
/// <typeparam name="T">The event type.</typeparam>
public interface IBatchEventHandler<T>
    where T : struct
{
    /// <summary>Handles <paramref name="batch"/>, whose first event has sequence <paramref name="firstSequence"/>.</summary>
    void OnBatch(Span<T> batch, long firstSequence);
}

using LowLatency.Engine.Pipelines;

namespace LowLatency.Engine.Flow;

/// <summary>Creates event sources from a pipeline or a ring.</summary>
public static class FlowExtensions
{
    /// <summary>A source publishing into <paramref name="pipeline"/>'s ring (see <see cref="EventSource{T}"/>).</summary>
    public static EventSource<T> CreateSource<T>(this Pipeline<T> pipeline, EventSourceOptions? options = null, ConflationKey<T>? conflationKey = null)
        where T : struct
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        return new EventSource<T>(pipeline.RingBuffer, options, conflationKey);
    }

    /// <summary>A source publishing into <paramref name="ring"/> (see <see cref="EventSource{T}"/>).</summary>
    public static EventSource<T> CreateSource<T>(this RingBuffer<T> ring, EventSourceOptions? options = null, ConflationKey<T>? conflationKey = null)
        where T : struct => new(ring, options, conflationKey);
}

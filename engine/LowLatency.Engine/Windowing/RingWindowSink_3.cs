using LowLatency.Engine.Pipelines;

namespace LowLatency.Engine.Windowing;

/// <summary>
/// Publishes window results (and the end marker, as a result with <see cref="WindowResult{TKey, TAcc}.IsEndOfStream"/>)
/// into a downstream ring, so results flow on as events; late events optionally into a second ring.
/// </summary>
/// <remarks>
/// Publishing claims with the blocking <c>Next()</c>: a full downstream ring back-pressures the window
/// stage, which back-pressures its own producers. Nothing is buffered on the side.
/// </remarks>
/// <typeparam name="TEvent">The input event type.</typeparam>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TAcc">The accumulator type.</typeparam>
public readonly struct RingWindowSink<TEvent, TKey, TAcc> : IWindowSink<TEvent, TKey, TAcc>
    where TEvent : struct
    where TKey : unmanaged, IEquatable<TKey>
    where TAcc : unmanaged
{
    private readonly RingBuffer<WindowResult<TKey, TAcc>> _results;
    private readonly RingBuffer<LateEvent<TEvent>>? _late;

    /// <summary>Publishes results into <paramref name="results"/>, late events into <paramref name="late"/> when given.</summary>
    public RingWindowSink(RingBuffer<WindowResult<TKey, TAcc>> results, RingBuffer<LateEvent<TEvent>>? late = null)
    {
        ArgumentNullException.ThrowIfNull(results);
        _results = results;
        _late = late;
    }

    /// <summary>Publishes into the ring of <paramref name="results"/>.</summary>
    public RingWindowSink(Pipeline<WindowResult<TKey, TAcc>> results)
        : this(results.RingBuffer)
    {
    }

    /// <inheritdoc/>
    public void OnResult(in WindowResult<TKey, TAcc> result)
    {
        long sequence = _results.Next();
        _results[sequence] = result;
        _results.Publish(sequence);
    }

    /// <inheritdoc/>
    public void OnLate(in TEvent e, LateReason reason, long watermark)
    {
        if (_late is null)
        {
            return;
        }

        long sequence = _late.Next();
        ref LateEvent<TEvent> slot = ref _late[sequence];
        slot.Event = e;
        slot.Reason = reason;
        slot.Watermark = watermark;
        _late.Publish(sequence);
    }

    /// <inheritdoc/>
    public void OnEndOfStream()
    {
        long sequence = _results.Next();
        _results[sequence] = new WindowResult<TKey, TAcc> { IsEndOfStream = true, TriggerSequence = TriggerSequences.Drain };
        _results.Publish(sequence);
    }
}

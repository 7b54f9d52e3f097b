namespace LowLatency.Engine.Windowing;

/// <summary>
/// Where a window operator sends its results, its late events and the end marker. Implement it on a
/// <c>struct</c> (for instance <see cref="RingWindowSink{TEvent, TKey, TAcc}"/>, which publishes into a ring).
/// </summary>
/// <typeparam name="TEvent">The input event type.</typeparam>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TAcc">The accumulator type.</typeparam>
public interface IWindowSink<TEvent, TKey, TAcc>
    where TEvent : struct
    where TKey : unmanaged, IEquatable<TKey>
    where TAcc : unmanaged
{
    /// <summary>A window result.</summary>
    void OnResult(in WindowResult<TKey, TAcc> result);

    /// <summary>An event no window accepted; the operator also counted it.</summary>
    void OnLate(in TEvent e, LateReason reason, long watermark);

    /// <summary>End of stream: everything fired; nothing follows.</summary>
    void OnEndOfStream();
}

namespace LowLatency.Engine.Time;

/// <summary>
/// Optional, on the same struct as <see cref="ITimestampExtractor{TEvent}"/>: some events carry a watermark
/// (punctuated watermarks). It applies after the event itself was judged and handled.
/// </summary>
/// <typeparam name="TEvent">The event type.</typeparam>
public interface IPunctuatedWatermark<TEvent>
    where TEvent : struct
{
    /// <summary>True when <paramref name="e"/> asserts that no event with a time ≤ <paramref name="watermark"/> follows.</summary>
    bool TryGetWatermark(in TEvent e, out long watermark);
}

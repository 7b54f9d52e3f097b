namespace LowLatency.Engine.Time;

/// <summary>
/// Reads an event's time: <c>long</c> ticks of one resolution chosen by the host (nanoseconds recommended).
/// Implement it on a <c>struct</c>; operators are generic over it, so the call inlines.
/// </summary>
/// <typeparam name="TEvent">The event type.</typeparam>
public interface ITimestampExtractor<TEvent>
    where TEvent : struct
{
    /// <summary>The event time of <paramref name="e"/>, in host ticks.</summary>
    long GetTimestamp(in TEvent e);
}

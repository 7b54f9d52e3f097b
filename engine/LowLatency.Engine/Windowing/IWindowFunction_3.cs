using LowLatency.Engine.Time;

namespace LowLatency.Engine.Windowing;

/// <summary>
/// Everything a window operator needs to know about an event: its time, its key and how it aggregates.
/// Implement it on one <c>struct</c>; optionally add <see cref="IPunctuatedWatermark{TEvent}"/>.
/// </summary>
/// <typeparam name="TEvent">The event type.</typeparam>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TAcc">The accumulator type.</typeparam>
public interface IWindowFunction<TEvent, TKey, TAcc> : ITimestampExtractor<TEvent>, IKeySelector<TEvent, TKey>, IWindowAggregator<TEvent, TAcc>
    where TEvent : struct
    where TKey : unmanaged, IEquatable<TKey>
    where TAcc : unmanaged
{
}

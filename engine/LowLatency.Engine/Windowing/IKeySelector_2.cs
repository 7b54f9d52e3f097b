namespace LowLatency.Engine.Windowing;

/// <summary>Reads an event's key. Implement it on a <c>struct</c> (usually the same struct as the timestamp extractor).</summary>
/// <typeparam name="TEvent">The event type.</typeparam>
/// <typeparam name="TKey">The key type.</typeparam>
public interface IKeySelector<TEvent, TKey>
    where TEvent : struct
    where TKey : unmanaged, IEquatable<TKey>
{
    /// <summary>The key of <paramref name="e"/>.</summary>
    TKey GetKey(in TEvent e);
}

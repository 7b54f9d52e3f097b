using LowLatency.Engine.Windowing;

namespace LowLatency.Engine.State;

/// <summary>Called for each due timer. Implement it on a <c>struct</c>; it may register new timers.</summary>
/// <typeparam name="TKey">The key type.</typeparam>
public interface ITimerCallback<TKey>
    where TKey : unmanaged, IEquatable<TKey>
{
    /// <summary>The timer of <paramref name="key"/> at <paramref name="time"/> in <paramref name="domain"/> is due.</summary>
    void OnTimer(in TKey key, long time, TimeDomain domain);
}

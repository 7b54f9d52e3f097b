using System.Runtime.CompilerServices;

namespace LowLatency.Engine.State;

/// <summary>A key qualified by a time (a pane or window start, a timer time): the key of per-window state.</summary>
/// <typeparam name="TKey">The user's key.</typeparam>
/// <param name="key">The user's key.</param>
/// <param name="time">The pane or window start, or the timer time.</param>
[method: MethodImpl(MethodImplOptions.AggressiveInlining)]
public readonly struct WindowKey<TKey>(TKey key, long time) : IEquatable<WindowKey<TKey>>
    where TKey : unmanaged, IEquatable<TKey>
{
    /// <summary>The user's key.</summary>
    public readonly TKey Key = key;

    /// <summary>The pane or window start, or the timer time.</summary>
    public readonly long Time = time;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Equals(WindowKey<TKey> other) => Time == other.Time && Key.Equals(other.Key);

    /// <summary>Equal key and time.</summary>
    public static bool operator ==(WindowKey<TKey> left, WindowKey<TKey> right) => left.Equals(right);

    /// <summary>Different key or time.</summary>
    public static bool operator !=(WindowKey<TKey> left, WindowKey<TKey> right) => !left.Equals(right);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is WindowKey<TKey> other && Equals(other);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override int GetHashCode()
    {
        // Times are multiples of a pane width (often 10^9 ns): fold both halves, then spread with an odd multiplier.
        ulong t = (ulong)Time;
        uint h = (uint)Key.GetHashCode() * 0x85EBCA6Bu;
        return (int)(h ^ ((uint)t * 0xC2B2AE35u) ^ (uint)(t >> 32));
    }
}

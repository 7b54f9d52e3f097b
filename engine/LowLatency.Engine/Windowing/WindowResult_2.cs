using System.Runtime.InteropServices;

namespace LowLatency.Engine.Windowing;

/// <summary>
/// One window result, or the end-of-stream marker. Results of one window carry increasing versions from 1;
/// <see cref="IsFinal"/> is true when no later event can change the window.
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TAcc">The accumulator type.</typeparam>
[StructLayout(LayoutKind.Auto)]
public struct WindowResult<TKey, TAcc>
    where TKey : unmanaged, IEquatable<TKey>
    where TAcc : unmanaged
{
    /// <summary>The key.</summary>
    public TKey Key;

    /// <summary>Window start (inclusive), host ticks.</summary>
    public long Start;

    /// <summary>Window end (exclusive), host ticks.</summary>
    public long End;

    /// <summary>1 for the window's first result, then +1 per result.</summary>
    public int Version;

    /// <summary>True when no later event can change this window (its state is purged, or the stream is drained).</summary>
    public bool IsFinal;

    /// <summary>True for the end-of-stream marker, which carries no window.</summary>
    public bool IsEndOfStream;

    /// <summary>The aggregate.</summary>
    public TAcc Value;
}

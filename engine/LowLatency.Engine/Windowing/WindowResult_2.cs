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

    /// <summary>Early (before <c>W ≥ end − 1</c>), on time (the firing at <c>end − 1</c>) or late (after it).</summary>
    public PaneTiming Timing;

    /// <summary>
    /// The sequence of the event after which this result was emitted (the ring sequence under a
    /// <see cref="WindowStage{TEvent, TOperator}"/>); results of explicit watermarks, idleness and processing time carry
    /// the last event's sequence; <see cref="TriggerSequences.Drain"/> at drain and on the end marker.
    /// </summary>
    public long TriggerSequence;

    /// <summary>The aggregate.</summary>
    public TAcc Value;
}

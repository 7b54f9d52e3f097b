namespace LowLatency.Engine.Windowing;

/// <summary>
/// Folds events into a struct accumulator in place. <c>default(TAcc)</c> must be the empty accumulator, and
/// <see cref="Merge"/> must be associative with it as identity (panes and sessions are merged).
/// </summary>
/// <typeparam name="TEvent">The event type.</typeparam>
/// <typeparam name="TAcc">The accumulator: an unmanaged struct (snapshots copy its bytes).</typeparam>
public interface IWindowAggregator<TEvent, TAcc>
    where TEvent : struct
    where TAcc : unmanaged
{
    /// <summary>Adds <paramref name="e"/> to <paramref name="accumulator"/>.</summary>
    void Add(ref TAcc accumulator, in TEvent e);

    /// <summary>Adds everything in <paramref name="source"/> to <paramref name="target"/>.</summary>
    void Merge(ref TAcc target, in TAcc source);
}

namespace LowLatency.Engine.Windowing;

/// <summary>Count windows: fire and purge every <see cref="Count"/> events of a key (tumbling count windows).</summary>
/// <typeparam name="TEvent">The input event type.</typeparam>
/// <typeparam name="TAcc">The accumulator type.</typeparam>
/// <param name="count">Events per window (≥ 1).</param>
public readonly struct CountTrigger<TEvent, TAcc>(long count) : IWindowTrigger<TEvent, TAcc>
    where TEvent : struct
    where TAcc : unmanaged
{
    /// <summary>Events per window.</summary>
    public long Count { get; } = count;

    /// <inheritdoc/>
    public TriggerAction OnEvent(in TEvent e, in TAcc accumulator, long count) =>
        count >= Count ? TriggerAction.FireAndPurge : TriggerAction.Continue;
}

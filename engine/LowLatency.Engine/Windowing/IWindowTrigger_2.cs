namespace LowLatency.Engine.Windowing;

/// <summary>
/// Decides when a key's global window emits. Implement it on a <c>struct</c> (see <see cref="CountTrigger{TEvent, TAcc}"/>).
/// </summary>
/// <typeparam name="TEvent">The input event type.</typeparam>
/// <typeparam name="TAcc">The accumulator type.</typeparam>
public interface IWindowTrigger<TEvent, TAcc>
    where TEvent : struct
    where TAcc : unmanaged
{
    /// <summary>Called after <paramref name="e"/> was added: the window now holds <paramref name="count"/> events.</summary>
    TriggerAction OnEvent(in TEvent e, in TAcc accumulator, long count);
}

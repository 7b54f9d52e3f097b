namespace LowLatency.Engine.Windowing;

/// <summary>What a <see cref="IWindowTrigger{TEvent, TAcc}"/> decides after an event.</summary>
[Flags]
public enum TriggerAction
{
    /// <summary>Nothing: keep accumulating.</summary>
    Continue = 0,

    /// <summary>Emit the key's window (non-final, next version) and keep its state.</summary>
    Fire = 1,

    /// <summary>Emit the key's window as final, then clear it: the next event opens a new window (version 1).</summary>
    FireAndPurge = Fire | 2,
}

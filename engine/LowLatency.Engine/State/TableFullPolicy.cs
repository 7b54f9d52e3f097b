namespace LowLatency.Engine.State;

/// <summary>What an operator does with an event that needs a new state entry when its table is full.</summary>
public enum TableFullPolicy
{
    /// <summary>Reject the event to the late side output with <c>LateReason.StateFull</c> and count it (default).</summary>
    Reject,

    /// <summary>Throw <see cref="StateTableFullException"/>, so the stage's exception policy decides.</summary>
    Throw,
}

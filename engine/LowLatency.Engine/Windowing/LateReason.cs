namespace LowLatency.Engine.Windowing;

/// <summary>Why an event went to the late side output instead of a window.</summary>
public enum LateReason
{
    /// <summary>Every window the event belongs to is past its allowed lateness (<c>W ≥ end − 1 + L</c>).</summary>
    WindowClosed,

    /// <summary>The event needed a new state entry and the table was full (<c>TableFullPolicy.Reject</c>).</summary>
    StateFull,
}

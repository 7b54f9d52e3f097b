namespace LowLatency.Engine.Windowing;

/// <summary>Why an event went to the late side output instead of a window.</summary>
public enum LateReason
{
    /// <summary>Every window the event belongs to is past its allowed lateness (<c>W ≥ end − 1 + L</c>).</summary>
    WindowClosed,

    /// <summary>The event needed a new state entry and the table was full (<c>TableFullPolicy.Reject</c>).</summary>
    StateFull,

    /// <summary>Hopping windows with <c>Slide &gt; Size</c>: the event falls in a gap between windows and joins none.</summary>
    Unassigned,

    /// <summary>A window of the event would start before <c>long.MinValue</c> or end after <c>long.MaxValue</c>: refused, not clamped.</summary>
    TimestampOutOfRange,
}

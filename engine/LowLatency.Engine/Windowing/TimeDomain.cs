namespace LowLatency.Engine.Windowing;

/// <summary>Which time assigns events to windows.</summary>
public enum TimeDomain
{
    /// <summary>The event's own timestamp, judged against the watermark (default).</summary>
    EventTime,

    /// <summary>The stage's processing time (read once per batch); the watermark follows the clock, nothing is late.</summary>
    ProcessingTime,
}

namespace LowLatency.Engine.Windowing;

/// <summary>Which time assigns events to windows.</summary>
public enum TimeDomain
{
    /// <summary>The event's own timestamp, judged against the watermark (default).</summary>
    EventTime,

    /// <summary>
    /// The stage's processing time (read once per batch: give the <see cref="WindowStage{TEvent, TOperator}"/> a
    /// <see cref="LowLatency.Engine.Time.ProcessingClock"/>, or call <c>OnProcessingTime</c>); the watermark follows the clock, nothing is late.
    /// </summary>
    ProcessingTime,
}

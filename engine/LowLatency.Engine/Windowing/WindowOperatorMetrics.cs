using LowLatency.Engine.Diagnostics;
using LowLatency.Engine.Time;

namespace LowLatency.Engine.Windowing;

/// <summary>Exports a window operator's freshness and refusal counters through a pipeline's metrics.</summary>
public static class WindowOperatorMetrics
{
    /// <summary>
    /// Registers <paramref name="windowOperator"/> as <paramref name="stage"/>: its watermark and event-time lag
    /// (<c>lowlatency.stage.watermark</c>, <c>lowlatency.stage.event_time_lag</c>, <see cref="PipelineSnapshot.Freshness"/>)
    /// and its counters by reason on <c>lowlatency.stage.late</c>: <c>window_closed</c>, <c>partial_drop</c> (event,
    /// window pairs), <c>unassigned</c>, <c>out_of_range</c>, <c>state_full</c>. Read on collection, never per event.
    /// </summary>
    public static void AddWindowOperator<TEvent>(this PipelineMetrics metrics, string stage, IWindowOperator<TEvent> windowOperator, ProcessingClock clock)
        where TEvent : struct
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(windowOperator);
        metrics.AddWatermark(stage, () => windowOperator.Watermark, clock);
        metrics.AddLateCounter(stage, "window_closed", () => windowOperator.Counters.LateDropped);
        metrics.AddLateCounter(stage, "partial_drop", () => windowOperator.Counters.PartialDrops);
        metrics.AddLateCounter(stage, "unassigned", () => windowOperator.Counters.Unassigned);
        metrics.AddLateCounter(stage, "out_of_range", () => windowOperator.Counters.OutOfRange);
        metrics.AddLateCounter(stage, "state_full", () => windowOperator.Counters.StateFullRejected);
    }
}

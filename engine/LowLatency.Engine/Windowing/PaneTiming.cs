namespace LowLatency.Engine.Windowing;

/// <summary>When a result was emitted relative to its window's end, as Apache Beam's <c>PaneInfo.Timing</c>.</summary>
public enum PaneTiming
{
    /// <summary>Before the watermark reached <c>end − 1</c>: an update (every-update mode) or an early firing.</summary>
    Early,

    /// <summary>The firing when the watermark first reached <c>end − 1</c>, in every emission mode.</summary>
    OnTime,

    /// <summary>After the on-time firing: a re-firing for an allowed-late event, or the final result at purge.</summary>
    Late,
}

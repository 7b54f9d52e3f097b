namespace LowLatency.Engine.Diagnostics;

/// <summary>
/// Data freshness of one event-time stage at one instant: its watermark and the event-time lag (processing clock
/// minus watermark, host ticks). <see cref="EventTimeLag"/> is null while the watermark asserts nothing yet
/// (<see cref="LowLatency.Engine.Time.Watermarks.Initial"/>) or is at end of stream.
/// </summary>
/// <param name="Stage">The stage name given at registration.</param>
/// <param name="Watermark">The stage's watermark (host ticks).</param>
/// <param name="EventTimeLag">Processing time minus watermark (host ticks): how far behind real time the stage's results are.</param>
public readonly record struct FreshnessSnapshot(string Stage, long Watermark, long? EventTimeLag);

namespace LowLatency.Engine.Diagnostics;

/// <summary>A stage that had work and did not advance for longer than the watchdog's threshold.</summary>
/// <param name="Pipeline">The pipeline's name.</param>
/// <param name="Stage">The stalled stage's name.</param>
/// <param name="Sequence">The last sequence the stage finished with.</param>
/// <param name="Pending">Events available to the stage and not handled.</param>
/// <param name="StalledFor">How long it has not advanced (as observed by the watchdog).</param>
public sealed record StallReport(string Pipeline, string Stage, long Sequence, long Pending, TimeSpan StalledFor);

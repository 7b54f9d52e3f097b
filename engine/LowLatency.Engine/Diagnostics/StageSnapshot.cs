namespace LowLatency.Engine.Diagnostics;

/// <summary>One stage at the time of a snapshot.</summary>
/// <param name="Name">The stage's name.</param>
/// <param name="Processed">Events the stage has finished with (its sequence + 1).</param>
/// <param name="Lag">Producer cursor − the stage's sequence: events published and not yet finished by this stage.</param>
/// <param name="Latency">Publish-to-stage latency of the sampled sequences since metrics were attached (or last reset).</param>
/// <param name="Stalled">True while the watchdog reports the stage stalled.</param>
/// <param name="DeadLettered">Events given up on under a dead-letter policy.</param>
/// <param name="Retries">Handler calls repeated under a retry policy.</param>
public readonly record struct StageSnapshot(string Name, long Processed, long Lag, LatencySummary Latency, bool Stalled, long DeadLettered, long Retries);

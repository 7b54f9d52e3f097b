namespace LowLatency.Engine.Processing;

/// <summary>The fault that halted a pipeline: which stage, at which sequence, and what it threw.</summary>
/// <param name="Stage">The stage's name.</param>
/// <param name="Sequence">The sequence of the event the handler threw on; it and later events are unprocessed.</param>
/// <param name="Error">The exception.</param>
public sealed record StageFault(string Stage, long Sequence, Exception Error);

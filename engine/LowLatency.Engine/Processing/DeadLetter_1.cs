namespace LowLatency.Engine.Processing;

/// <summary>An event a stage gave up on, with the reason.</summary>
/// <param name="Stage">The stage's name.</param>
/// <param name="Sequence">The event's ring sequence.</param>
/// <param name="Event">A copy of the event as the failing handler left it.</param>
/// <param name="Error">What the handler threw.</param>
/// <typeparam name="T">The event type.</typeparam>
public readonly record struct DeadLetter<T>(string Stage, long Sequence, T Event, Exception Error)
    where T : struct;

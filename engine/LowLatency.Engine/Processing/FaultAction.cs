namespace LowLatency.Engine.Processing;

/// <summary>What a stage does with an event its handler threw on.</summary>
public enum FaultAction
{
    /// <summary>Halt the pipeline and surface the fault; the event and everything after it stay unprocessed.</summary>
    Halt = 0,

    /// <summary>Call the handler again for the same event, a bounded number of times, then apply the fallback.</summary>
    Retry = 1,

    /// <summary>Hand the event to the dead-letter callback, count it, and go on with the next event.</summary>
    DeadLetter = 2,
}

namespace LowLatency.Engine;

/// <summary>What happened to an offer or claim. Producers get a result, never a surprise.</summary>
public enum PublishResult
{
    /// <summary>Accepted: the event is (or the claimed slots are) in the ring.</summary>
    Ok = 0,

    /// <summary>No capacity now and the caller asked not to wait (or its wait timed out); nothing changed.</summary>
    BackPressured = 1,

    /// <summary>The pipeline is draining, stopped or halted; it accepts nothing more.</summary>
    Closed = 2,

    /// <summary>A lossy overflow policy discarded the event; it was counted.</summary>
    Dropped = 3,
}

namespace LowLatency.Engine.Flow;

/// <summary>Why an offered event did not reach the ring. Every such event is counted per source and reason.</summary>
public enum DropReason
{
    /// <summary>Refused under <see cref="OverflowPolicy.Reject"/>: the ring was full.</summary>
    Rejected = 0,

    /// <summary>Refused under <see cref="OverflowPolicy.Wait"/>: no room came within the source's timeout.</summary>
    TimedOut = 1,

    /// <summary>The pipeline was closed (draining, stopped or halted), or closed while the event was held for conflation.</summary>
    Closed = 2,

    /// <summary>Discarded because the ring (or, under conflation, the table of held keys) was full.</summary>
    Full = 3,

    /// <summary>Discarded by sampling while the source was paused.</summary>
    Sampled = 4,

    /// <summary>Replaced, before it was published, by a newer value with the same key.</summary>
    Conflated = 5,
}

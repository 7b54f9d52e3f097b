namespace LowLatency.Engine.Flow;

/// <summary>What an <see cref="EventSource{T}"/> does with an offer when the ring has no room.</summary>
public enum OverflowPolicy
{
    /// <summary>Lossless (default): <c>Offer</c> waits for room, up to the source's optional timeout.</summary>
    Wait = 0,

    /// <summary>Returns <see cref="PublishResult.BackPressured"/> at once and changes nothing; counted as <see cref="DropReason.Rejected"/>.</summary>
    Reject = 1,

    /// <summary>Discards the new event (<see cref="PublishResult.Dropped"/>); counted as <see cref="DropReason.Full"/>.</summary>
    DropNewest = 2,

    /// <summary>Holds the newest value per key until there is room; an older value not yet published is replaced and counted as <see cref="DropReason.Conflated"/>.</summary>
    Conflate = 3,

    /// <summary>While the source is paused (above its high mark until back at its low mark) keeps one offer in N; the others are counted as <see cref="DropReason.Sampled"/>.</summary>
    Sample = 4,
}

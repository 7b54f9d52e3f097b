namespace LowLatency.Engine.State;

/// <summary>
/// The owner of a <see cref="CalendarQueue{TEntry}"/>'s ids, whose queued times are lower bounds (an id's real time only grows
/// while queued): asked for an id's real time when its bucket comes due, so a grown id moves to its later bucket
/// (O(1)) instead of passing through the heap.
/// </summary>
internal interface IDueTimes
{
    /// <summary>The real due time of <paramref name="id"/> (≥ its queued time) at watermark <paramref name="watermark"/>; the owner records it as queued.</summary>
    long Refresh(int id, long watermark);
}

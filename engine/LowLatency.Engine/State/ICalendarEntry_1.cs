namespace LowLatency.Engine.State;

/// <summary>
/// An entry of a <see cref="CalendarQueue{TEntry}"/>: a struct that carries its own queue link, so queueing an entry
/// touches only the entry (already in cache when its owner just wrote it) and a bucket walk reads each entry once.
/// </summary>
/// <typeparam name="TSelf">The entry type itself.</typeparam>
internal interface ICalendarEntry<TSelf>
    where TSelf : struct, ICalendarEntry<TSelf>
{
    /// <summary>The queue's link inside <paramref name="entry"/> (its default value means: not queued).</summary>
    static abstract ref CalendarLink Link(ref TSelf entry);
}

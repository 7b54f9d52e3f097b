namespace LowLatency.Engine.State;

/// <summary>
/// An entry of a <see cref="CalendarQueue{TEntry}"/>: a struct that carries its own time, tie-break and queue link, so
/// queueing an entry touches only the entry (already in cache when its owner just wrote it) and a bucket walk reads each
/// entry once. The owner writes the time and tie, then calls <see cref="CalendarQueue{TEntry}.Set"/>; it changes them
/// only that way while the entry is queued.
/// </summary>
/// <typeparam name="TSelf">The entry type itself.</typeparam>
internal interface ICalendarEntry<TSelf>
    where TSelf : struct, ICalendarEntry<TSelf>
{
    /// <summary>The queue's link inside <paramref name="entry"/> (its default value means: not queued).</summary>
    static abstract ref CalendarLink Link(ref TSelf entry);

    /// <summary>The time <paramref name="entry"/> is queued at.</summary>
    static abstract long Time(in TSelf entry);

    /// <summary>The tie-break among entries of one time (lower first).</summary>
    static abstract long Tie(in TSelf entry);
}

using System.Runtime.InteropServices;
using LowLatency.Engine.State;

namespace LowLatency.Engine.Windowing;

/// <summary>
/// One session of a <see cref="SessionWindowOperator{TEvent, TKey, TAcc, TFunction, TSink}"/>, all its fields in
/// one entry: the per-event update (bounds, accumulator, timer check), its timer's link and its firing (key,
/// bounds, value) touch one place, not one array per field.
/// </summary>
/// <typeparam name="TKey">The key.</typeparam>
/// <typeparam name="TAcc">The accumulator.</typeparam>
[StructLayout(LayoutKind.Auto)]
internal struct SessionNode<TKey, TAcc> : ICalendarEntry<SessionNode<TKey, TAcc>>
    where TKey : unmanaged
    where TAcc : unmanaged
{
    public long Start;
    public long End;       // exclusive
    public long QueuedAt;  // its time in the timer queue: its next action
    public long Born;      // creation order: the timer queue's tie-break, deterministic
    public int Next;       // the key's next session (by start), or the free-list link
    public int KeySlot;
    public TKey Key;       // a copy of the key table's: a firing session emits without a second random read
    public int Version;
    public bool LastFinal;
    public TAcc Acc;
    public CalendarLink Timer; // the timer queue's link: queueing a session touches only its node; every live session is queued

    public static ref CalendarLink Link(ref SessionNode<TKey, TAcc> entry) => ref entry.Timer;

    public static long Time(in SessionNode<TKey, TAcc> entry) => entry.QueuedAt;

    public static long Tie(in SessionNode<TKey, TAcc> entry) => entry.Born;
}

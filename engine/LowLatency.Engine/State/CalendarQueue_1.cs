using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace LowLatency.Engine.State;

/// <summary>
/// A timer queue of ids in <c>[0, capacity)</c> in exactly the (time, tie) order of an <see cref="IndexedMinHeap"/>,
/// for a clock that only moves forward (a watermark) and timers mostly set well ahead of it: the times below a
/// horizon sit in a small heap, the later ones in a ring of buckets (intrusive lists: adding, moving and removing
/// cost O(1)), and a bucket moves into the heap when the clock reaches it. Session timers are set a whole gap
/// ahead and most are moved or removed before they are due: the heap then holds the due bucket's ids, in cache, not
/// every open session. The entries are the owner's (an array it shares with the queue), each carrying its
/// <see cref="CalendarLink"/>: queueing or moving an entry the owner just wrote reads nothing else (it only writes its
/// bucket neighbours' links, which need not wait on memory), and the entry a due bucket's walk reads is the one the owner
/// then acts on. Allocation-free after construction; single-threaded.
/// </summary>
/// <remarks>
/// Invariant: every id in the heap has a time below <c>_horizon</c>, every id in a bucket a time at or above it, so
/// the heap's top is the earliest id whenever the heap is not empty. A bucket is <c>2^shift</c> ticks wide; a ring
/// of <see cref="Buckets"/> of them spans a lap, and an id more than a lap ahead waits in its bucket for its lap.
/// </remarks>
/// <typeparam name="TEntry">The owner's entry, which carries its link.</typeparam>
internal sealed class CalendarQueue<TEntry>
    where TEntry : struct, ICalendarEntry<TEntry>
{
    private const int Buckets = 1024;
    private const int InHeap = -1;
    private const int Absent = 0;

    private readonly IndexedMinHeap _near;
    private readonly TEntry[] _entries;  // id → the owner's entry: its (time, tie) and where it is queued
    private readonly int[] _head;        // bucket → its first id, or -1
    private readonly int _shift;
    private long _horizon;
    private int _far;                    // ids in buckets
    private bool _anchored;              // false while empty: the next id sets the horizon

    /// <summary>
    /// Creates a queue for the ids of <paramref name="entries"/> (none queued: their links are default), whose buckets are
    /// about <paramref name="width"/> ticks wide (rounded down to a power of two). The owner may rewrite an entry that is not queued.
    /// </summary>
    public CalendarQueue(TEntry[] entries, long width)
    {
        _near = new IndexedMinHeap(entries.Length);
        _entries = entries;
        _head = new int[Buckets];
        Array.Fill(_head, -1);
        _shift = BitOperations.Log2((ulong)Math.Max(1, width));
    }

    /// <summary>Ids queued.</summary>
    public int Count => _near.Count + _far;

    /// <summary>No id is due below this watermark: the earliest time, or a lower bound of it; <see cref="long.MaxValue"/> when empty.</summary>
    public long NextDue => _near.TryPeek(out _, out long time) ? time : _far > 0 ? _horizon : long.MaxValue;

    private long Width => 1L << _shift;

    /// <summary>Queues <paramref name="id"/> at its entry's (time, tie), or moves it there when already queued.</summary>
    public void Set(int id)
    {
        long time = TEntry.Time(in _entries[id]);
        if (!_anchored)
        {
            _horizon = Floor(time);
            _anchored = true;
        }

        ref CalendarLink entry = ref Link(id);
        if (entry.Where > 0 && time >= _horizon && BucketOf(time) + 1 == entry.Where)
        {
            return; // moved within its bucket: nothing to relink
        }

        if (time < _horizon || _horizon == long.MaxValue)
        {
            if (entry.Where > 0)
            {
                Unlink(id, ref entry);
            }

            entry.Where = InHeap;
            _near.Set(id, time, TEntry.Tie(in _entries[id]));
            return;
        }

        if (entry.Where == InHeap)
        {
            _near.Remove(id);
        }
        else if (entry.Where > 0)
        {
            Unlink(id, ref entry);
        }

        Link(id, ref entry);
    }

    /// <summary>Removes <paramref name="id"/> if queued.</summary>
    public void Remove(int id)
    {
        ref CalendarLink entry = ref Link(id);
        if (entry.Where == InHeap)
        {
            _near.Remove(id);
        }
        else if (entry.Where > 0)
        {
            Unlink(id, ref entry);
        }

        entry.Where = Absent;
        if (Count == 0)
        {
            _anchored = false;
        }
    }

    /// <summary>The earliest id if its time is ≤ <paramref name="upTo"/> (buckets the clock reached move into the heap first); false when none is due.</summary>
    public bool TryPeekDue(long upTo, out int id, out long time)
    {
        while (true)
        {
            if (_near.TryPeek(out id, out time))
            {
                return time <= upTo; // the earliest of all: buckets hold only later times
            }

            if (_far == 0 || _horizon > upTo)
            {
                return false;
            }

            MoveNextBuckets();
        }
    }

    /// <summary>Removes every id.</summary>
    public void Clear()
    {
        _near.Clear();
        Array.Fill(_head, -1);
        for (int i = 0; i < _entries.Length; i++)
        {
            Link(i) = default;
        }

        _far = 0;
        _anchored = false;
    }

    /// <summary>Moves the horizon over buckets until the heap holds an id; after a lap of empty buckets it jumps to the earliest id's.</summary>
    private void MoveNextBuckets()
    {
        for (int step = 0; step < Buckets; step++)
        {
            if (_horizon > long.MaxValue - Width)
            {
                _horizon = long.MaxValue; // the last bucket: everything left goes into the heap
                for (int b = 0; b < Buckets; b++)
                {
                    MoveBucket(b, long.MaxValue);
                }

                return;
            }

            long end = _horizon + Width;
            MoveBucket(BucketOf(_horizon), end);
            _horizon = end;
            if (_near.Count > 0)
            {
                return;
            }
        }

        // A lap of buckets held only later laps' ids: every id is at least a lap ahead; go straight to the earliest.
        long earliest = long.MaxValue;
        for (int b = 0; b < Buckets; b++)
        {
            for (int id = _head[b]; id >= 0; id = Link(id).Next)
            {
                earliest = Math.Min(earliest, TEntry.Time(in _entries[id]));
            }
        }

        Debug.Assert(earliest >= _horizon, "bucket ids are at or above the horizon");
        _horizon = Floor(earliest);
    }

    /// <summary>Moves the ids of bucket <paramref name="b"/> with a time below <paramref name="end"/> (or all, at <see cref="long.MaxValue"/>) into the heap.</summary>
    private void MoveBucket(int b, long end)
    {
        int id = _head[b];
        while (id >= 0)
        {
            ref TEntry owned = ref _entries[id];
            ref CalendarLink entry = ref TEntry.Link(ref owned);
            int next = entry.Next;
            long time = TEntry.Time(in owned);
            if (time < end || end == long.MaxValue)
            {
                Unlink(id, ref entry);
                entry.Where = InHeap;
                _near.Set(id, time, TEntry.Tie(in owned));
            }

            id = next;
        }
    }

    private void Link(int id, ref CalendarLink entry)
    {
        int b = BucketOf(TEntry.Time(in _entries[id]));
        entry.Where = b + 1;
        entry.Prev = -1;
        entry.Next = _head[b];
        if (entry.Next >= 0)
        {
            Link(entry.Next).Prev = id;
        }

        _head[b] = id;
        _far++;
    }

    private void Unlink(int id, ref CalendarLink entry)
    {
        if (entry.Prev >= 0)
        {
            Link(entry.Prev).Next = entry.Next;
        }
        else
        {
            _head[entry.Where - 1] = entry.Next;
        }

        if (entry.Next >= 0)
        {
            Link(entry.Next).Prev = entry.Prev;
        }

        entry.Where = Absent;
        _far--;
        Debug.Assert(_far >= 0, "unlinked only what was linked");
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref CalendarLink Link(int id) => ref TEntry.Link(ref _entries[id]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int BucketOf(long time) => (int)(time >> _shift) & (Buckets - 1);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private long Floor(long time) => time & -Width;
}

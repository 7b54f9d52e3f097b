using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace LowLatency.Engine.State;

/// <summary>
/// A timer queue of ids in <c>[0, capacity)</c> in exactly (time, tie) order, for a clock that only moves forward (a
/// watermark) and timers mostly set well ahead of it: the times below a horizon sit in a short sorted run, the later
/// ones in a ring of buckets (intrusive lists: adding, moving and removing cost O(1)), and a bucket joins the run,
/// sorted once, when the clock reaches it. Session timers are set a whole gap ahead and most are moved or removed before
/// they are due: the run then holds the due bucket's ids, in cache, not every open session, and what comes due leaves
/// from its front. (A binary heap in its place cost a sift up and a sift down per session, their branches mispredicted:
/// the lab's session row runs 1.08–1.10× faster without it.) The entries are the owner's (an array it shares with the queue), each carrying its
/// <see cref="CalendarLink"/>: queueing or moving an entry the owner just wrote reads nothing else (it only writes its
/// bucket neighbours' links, which need not wait on memory), and the entry a due bucket's walk reads is the one the owner
/// then acts on. Allocation-free after construction; single-threaded.
/// </summary>
/// <remarks>
/// Invariant: every id in the run has a time below <c>_horizon</c>, every id in a bucket a time at or above it, so the
/// run's first id is the earliest whenever the run is not empty. Buckets join the run only when it is empty, so a bucket
/// joining it is sorted on its own. A bucket is <c>2^shift</c> ticks wide; a ring of <see cref="Buckets"/> of them spans
/// a lap, and an id more than a lap ahead waits in its bucket for its lap.
/// </remarks>
/// <typeparam name="TEntry">The owner's entry, which carries its link.</typeparam>
internal sealed class CalendarQueue<TEntry>
    where TEntry : struct, ICalendarEntry<TEntry>
{
    private const int Buckets = 1024;
    private const int InRun = -1;
    private const int Absent = 0;
    private const int InsertionSortLimit = 32; // a bucket moved into the run is sorted by insertion up to this length, else heap-sorted

    private readonly Due[] _run;         // the ids below the horizon, in (time, tie) order in [_first, _last)
    private readonly TEntry[] _entries;  // id → the owner's entry: its (time, tie) and where it is queued
    private readonly int[] _head;        // bucket → its first id, or -1
    private readonly int _shift;
    private int _first;
    private int _last;
    private long _horizon;
    private int _far;                    // ids in buckets
    private bool _anchored;              // false while empty: the next id sets the horizon

    /// <summary>
    /// Creates a queue for the ids of <paramref name="entries"/> (none queued: their links are default), whose buckets are
    /// about <paramref name="width"/> ticks wide (rounded down to a power of two). The owner may rewrite an entry that is not queued.
    /// </summary>
    public CalendarQueue(TEntry[] entries, long width)
    {
        _run = new Due[entries.Length];
        _entries = entries;
        _head = new int[Buckets];
        Array.Fill(_head, -1);
        _shift = BitOperations.Log2((ulong)Math.Max(1, width));
    }

    /// <summary>Ids queued.</summary>
    public int Count => _last - _first + _far;

    /// <summary>No id is due below this watermark: the earliest time, or a lower bound of it; <see cref="long.MaxValue"/> when empty.</summary>
    public long NextDue => _first < _last ? _run[_first].Time : _far > 0 ? _horizon : long.MaxValue;

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

        Dequeue(id, ref entry);
        if (time < _horizon || _horizon == long.MaxValue)
        {
            entry.Where = InRun;
            InsertIntoRun(new Due(time, TEntry.Tie(in _entries[id]), id));
        }
        else
        {
            Link(id, ref entry);
        }
    }

    /// <summary>Removes <paramref name="id"/> if queued.</summary>
    public void Remove(int id)
    {
        Dequeue(id, ref Link(id));
        if (Count == 0)
        {
            _anchored = false;
        }
    }

    /// <summary>The earliest id if its time is ≤ <paramref name="upTo"/> (buckets the clock reached move into the run first); false when none is due.</summary>
    public bool TryPeekDue(long upTo, out int id, out long time)
    {
        while (true)
        {
            if (_first < _last)
            {
                id = _run[_first].Id;
                time = _run[_first].Time;
                return time <= upTo; // the earliest of all: buckets hold only later times
            }

            if (_far == 0 || _horizon > upTo)
            {
                id = -1;
                time = long.MaxValue;
                return false;
            }

            MoveNextBuckets();
        }
    }

    /// <summary>Removes every id.</summary>
    public void Clear()
    {
        _first = _last = 0;
        Array.Fill(_head, -1);
        for (int i = 0; i < _entries.Length; i++)
        {
            Link(i) = default;
        }

        _far = 0;
        _anchored = false;
    }

    private void Dequeue(int id, ref CalendarLink entry)
    {
        if (entry.Where == InRun)
        {
            RemoveFromRun(id);
        }
        else if (entry.Where > 0)
        {
            Unlink(id, ref entry);
        }

        entry.Where = Absent;
    }

    /// <summary>Moves the horizon over buckets until the (empty) run holds an id; after a lap of empty buckets it jumps to the earliest id's.</summary>
    private void MoveNextBuckets()
    {
        Debug.Assert(_first == 0 && _last == 0, "buckets join the run only when it is empty");
        for (int step = 0; step < Buckets; step++)
        {
            if (_horizon > long.MaxValue - Width)
            {
                _horizon = long.MaxValue; // the last bucket: everything left goes into the run
                for (int b = 0; b < Buckets; b++)
                {
                    AppendBucket(b, long.MaxValue);
                }

                SortRun();
                return;
            }

            long end = _horizon + Width;
            AppendBucket(BucketOf(_horizon), end);
            SortRun();
            _horizon = end;
            if (_first < _last)
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

    /// <summary>Appends the ids of bucket <paramref name="b"/> with a time below <paramref name="end"/> (or all, at <see cref="long.MaxValue"/>) to the run, unsorted (the run has room for every id).</summary>
    private void AppendBucket(int b, long end)
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
                entry.Where = InRun;
                _run[_last++] = new Due(time, TEntry.Tie(in owned), id);
            }

            id = next;
        }
    }

    /// <summary>Sorts the run, filled from its buckets.</summary>
    private void SortRun()
    {
        Span<Due> run = _run.AsSpan(0, _last);
        if (run.Length <= InsertionSortLimit)
        {
            for (int i = 1; i < run.Length; i++)
            {
                Due due = run[i];
                int j = i;
                for (; j > 0 && due.Before(in run[j - 1]); j--)
                {
                    run[j] = run[j - 1];
                }

                run[j] = due;
            }
        }
        else
        {
            HeapSort(run);
        }
    }

    /// <summary>An id queued below the horizon (rare: the run holds the bucket the clock is in): placed by binary search.</summary>
    private void InsertIntoRun(Due due)
    {
        MakeRoom();
        int lo = _first;
        int hi = _last;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (due.Before(in _run[mid]))
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }

        Array.Copy(_run, lo, _run, lo + 1, _last - lo);
        _run[lo] = due;
        _last++;
    }

    /// <summary>
    /// Removes <paramref name="id"/> from the run: the first (it came due) at once, another (merged away or moved) by a scan,
    /// short while the run is one bucket; at the end of Int64, where every id is in the run, a scan of all of them.
    /// </summary>
    private void RemoveFromRun(int id)
    {
        int i = _first;
        while (_run[i].Id != id)
        {
            i++;
            Debug.Assert(i < _last, "the id is in the run");
        }

        if (i == _first)
        {
            _first++;
        }
        else
        {
            Array.Copy(_run, i + 1, _run, i, _last - i - 1);
            _last--;
        }

        if (_first == _last)
        {
            _first = _last = 0;
        }
    }

    /// <summary>Makes room for one more id at the run's end (the run is at most every id, so moving it to the front always does).</summary>
    private void MakeRoom()
    {
        if (_last == _run.Length)
        {
            Array.Copy(_run, _first, _run, 0, _last - _first);
            _last -= _first;
            _first = 0;
        }
    }

    private static void HeapSort(Span<Due> items)
    {
        for (int i = (items.Length / 2) - 1; i >= 0; i--)
        {
            SiftDown(items, i, items.Length);
        }

        for (int end = items.Length - 1; end > 0; end--)
        {
            (items[0], items[end]) = (items[end], items[0]);
            SiftDown(items, 0, end);
        }
    }

    /// <summary>Restores the max-heap order of <paramref name="items"/>[..<paramref name="count"/>] below <paramref name="p"/>.</summary>
    private static void SiftDown(Span<Due> items, int p, int count)
    {
        while (true)
        {
            int child = (2 * p) + 1;
            if (child >= count)
            {
                return;
            }

            if (child + 1 < count && items[child].Before(in items[child + 1]))
            {
                child++;
            }

            if (!items[p].Before(in items[child]))
            {
                return;
            }

            (items[p], items[child]) = (items[child], items[p]);
            p = child;
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

    /// <summary>Takes <paramref name="id"/> out of its bucket; the caller sets where it is now (the run, or absent).</summary>
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

        _far--;
        Debug.Assert(_far >= 0, "unlinked only what was linked");
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref CalendarLink Link(int id) => ref TEntry.Link(ref _entries[id]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int BucketOf(long time) => (int)(time >> _shift) & (Buckets - 1);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private long Floor(long time) => time & -Width;

    /// <summary>An id in the run, with the (time, tie) it is ordered by.</summary>
    private readonly struct Due(long time, long tie, int id)
    {
        public readonly long Time = time;
        public readonly long Tie = tie;
        public readonly int Id = id;

        public bool Before(in Due other) => Time < other.Time || (Time == other.Time && Tie < other.Tie);
    }
}

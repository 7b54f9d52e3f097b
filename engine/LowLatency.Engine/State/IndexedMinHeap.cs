using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace LowLatency.Engine.State;

/// <summary>
/// A pre-sized binary min-heap of ids in <c>[0, capacity)</c> ordered by (time, tie), where an id's time can be
/// changed or the id removed in O(log n): the timer queue of sessions and keyed timers. Allocation-free after
/// construction; single-threaded.
/// </summary>
public sealed class IndexedMinHeap
{
    private readonly int[] _heap;      // heap position → id
    private readonly int[] _position;  // id → heap position, -1 when absent
    private readonly long[] _time;     // by id
    private readonly long[] _tie;      // by id: equal times pop in tie order (insertion order, by the caller's counter)
    private int _count;

    /// <summary>Creates a heap for ids in <c>[0, capacity)</c>.</summary>
    public IndexedMinHeap(int capacity)
    {
        if (capacity < 1)
        {
            ThrowHelper.ThrowOption("capacity", capacity, "must be ≥ 1.");
        }

        _heap = new int[capacity];
        _position = new int[capacity];
        _time = new long[capacity];
        _tie = new long[capacity];
        Array.Fill(_position, -1);
    }

    /// <summary>Ids queued.</summary>
    public int Count => _count;

    /// <summary>True when <paramref name="id"/> is queued.</summary>
    public bool Contains(int id) => _position[id] >= 0;

    /// <summary>The time of a queued id.</summary>
    public long TimeOf(int id) => _time[id];

    /// <summary>The tie-break of a queued id.</summary>
    public long TieOf(int id) => _tie[id];

    /// <summary>The earliest id, without removing it; false when empty.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryPeek(out int id, out long time)
    {
        if (_count == 0)
        {
            id = -1;
            time = long.MaxValue;
            return false;
        }

        id = _heap[0];
        time = _time[id];
        return true;
    }

    /// <summary>Queues <paramref name="id"/> at (time, tie), or moves it there when already queued.</summary>
    public void Set(int id, long time, long tie)
    {
        int p = _position[id];
        if (p < 0)
        {
            _time[id] = time;
            _tie[id] = tie;
            p = _count++;
            _heap[p] = id;
            _position[id] = p;
            Up(p);
            return;
        }

        bool earlier = Less(time, tie, _time[id], _tie[id]);
        _time[id] = time;
        _tie[id] = tie;
        if (earlier)
        {
            Up(p);
        }
        else
        {
            Down(p);
        }
    }

    /// <summary>Removes <paramref name="id"/> if queued.</summary>
    public void Remove(int id)
    {
        int p = _position[id];
        if (p < 0)
        {
            return;
        }

        _position[id] = -1;
        int last = --_count;
        if (p != last)
        {
            int moved = _heap[last];
            _heap[p] = moved;
            _position[moved] = p;
            Up(p);
            Down(_position[moved]);
        }
    }

    /// <summary>Removes every id.</summary>
    public void Clear()
    {
        for (int i = 0; i < _count; i++)
        {
            _position[_heap[i]] = -1;
        }

        _count = 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Less(long t1, long k1, long t2, long k2) => t1 < t2 || (t1 == t2 && k1 < k2);

    private bool LessAt(int a, int b)
    {
        int ia = _heap[a];
        int ib = _heap[b];
        return Less(_time[ia], _tie[ia], _time[ib], _tie[ib]);
    }

    private void Swap(int a, int b)
    {
        (_heap[a], _heap[b]) = (_heap[b], _heap[a]);
        _position[_heap[a]] = a;
        _position[_heap[b]] = b;
    }

    private void Up(int p)
    {
        while (p > 0)
        {
            int parent = (p - 1) >> 1;
            if (!LessAt(p, parent))
            {
                break;
            }

            Swap(p, parent);
            p = parent;
        }
    }

    private void Down(int p)
    {
        while (true)
        {
            int l = (2 * p) + 1;
            if (l >= _count)
            {
                break;
            }

            int m = l + 1 < _count && LessAt(l + 1, l) ? l + 1 : l;
            if (!LessAt(m, p))
            {
                break;
            }

            Swap(m, p);
            p = m;
        }

        Debug.Assert(_count == 0 || _position[_heap[0]] == 0, "the root knows its position");
    }
}

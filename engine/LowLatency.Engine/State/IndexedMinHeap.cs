using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace LowLatency.Engine.State;

/// <summary>
/// A pre-sized binary min-heap of ids in <c>[0, capacity)</c> ordered by (time, tie), where an id's time can be
/// changed or the id removed in O(log n): the timer queue of sessions, keyed timers and TTL. Allocation-free
/// after construction; single-threaded.
/// </summary>
/// <remarks>
/// Nodes carry their time and tie inline, so sifting compares adjacent siblings in one cache line instead of
/// chasing ids into side arrays; only the id → position map is written per level.
/// </remarks>
public sealed class IndexedMinHeap
{
    private readonly Node[] _heap;     // heap position → node
    private readonly int[] _position;  // id → heap position, -1 when absent
    private int _count;

    /// <summary>Creates a heap for ids in <c>[0, capacity)</c>.</summary>
    public IndexedMinHeap(int capacity)
    {
        if (capacity < 1)
        {
            ThrowHelper.ThrowOption("capacity", capacity, "must be ≥ 1.");
        }

        _heap = new Node[capacity];
        _position = new int[capacity];
        Array.Fill(_position, -1);
    }

    /// <summary>Ids queued.</summary>
    public int Count => _count;

    /// <summary>True when <paramref name="id"/> is queued.</summary>
    public bool Contains(int id) => _position[id] >= 0;

    /// <summary>The time of a queued id.</summary>
    public long TimeOf(int id) => _heap[_position[id]].Time;

    /// <summary>The tie-break of a queued id.</summary>
    public long TieOf(int id) => _heap[_position[id]].Tie;

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

        ref Node top = ref _heap[0];
        id = top.Id;
        time = top.Time;
        return true;
    }

    /// <summary>Queues <paramref name="id"/> at (time, tie), or moves it there when already queued.</summary>
    public void Set(int id, long time, long tie)
    {
        int p = _position[id];
        var node = new Node { Time = time, Tie = tie, Id = id };
        if (p < 0)
        {
            Up(_count++, node);
            return;
        }

        if (Less(node, _heap[p]))
        {
            Up(p, node);
        }
        else
        {
            Down(p, node);
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
            Node moved = _heap[last];
            if (p > 0 && Less(moved, _heap[(p - 1) >> 1]))
            {
                Up(p, moved);
            }
            else
            {
                Down(p, moved);
            }
        }
    }

    /// <summary>Removes every id.</summary>
    public void Clear()
    {
        for (int i = 0; i < _count; i++)
        {
            _position[_heap[i].Id] = -1;
        }

        _count = 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Less(in Node a, in Node b) => a.Time < b.Time || (a.Time == b.Time && a.Tie < b.Tie);

    /// <summary>Places <paramref name="node"/> at <paramref name="p"/> or above, moving larger parents down.</summary>
    private void Up(int p, Node node)
    {
        Node[] heap = _heap;
        while (p > 0)
        {
            int parent = (p - 1) >> 1;
            if (!Less(node, heap[parent]))
            {
                break;
            }

            heap[p] = heap[parent];
            _position[heap[p].Id] = p;
            p = parent;
        }

        heap[p] = node;
        _position[node.Id] = p;
    }

    /// <summary>Places <paramref name="node"/> at <paramref name="p"/> or below, moving smaller children up.</summary>
    private void Down(int p, Node node)
    {
        Node[] heap = _heap;
        int count = _count;
        while (true)
        {
            int child = (2 * p) + 1;
            if (child >= count)
            {
                break;
            }

            if (child + 1 < count && Less(heap[child + 1], heap[child]))
            {
                child++;
            }

            if (!Less(heap[child], node))
            {
                break;
            }

            heap[p] = heap[child];
            _position[heap[p].Id] = p;
            p = child;
        }

        heap[p] = node;
        _position[node.Id] = p;
        Debug.Assert(_count == 0 || _position[_heap[0].Id] == 0, "the root knows its position");
    }

    private struct Node
    {
        public long Time;
        public long Tie;
        public int Id;
    }
}

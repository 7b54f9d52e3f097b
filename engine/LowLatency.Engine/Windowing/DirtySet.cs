using System.Runtime.CompilerServices;

namespace LowLatency.Engine.Windowing;

/// <summary>
/// The entries (sessions or panes, by id) changed since the last early-firing round, in first-change order:
/// the order of the next round's results. Each id is listed once. An id freed and reused while listed leaves
/// a stale entry behind; <see cref="LiveAt"/> skips it and <see cref="Mark"/> compacts it away when the list
/// is full, so the list never outgrows the capacity. Allocated once; empty (capacity 0) when early firing is off.
/// </summary>
internal sealed class DirtySet
{
    private readonly bool[] _marked;
    private readonly int[] _list;
    private readonly int[] _at; // id → its live position in _list (older entries of a reused id are stale)
    private int _count;

    public DirtySet(int capacity)
    {
        _marked = new bool[capacity];
        _list = new int[capacity];
        _at = new int[capacity];
    }

    /// <summary>False when early firing is off: nothing is ever marked.</summary>
    public bool IsEnabled => _marked.Length != 0;

    /// <summary>List positions to visit with <see cref="LiveAt"/> (stale ones included).</summary>
    public int Count => _count;

    /// <summary>True when <paramref name="id"/> changed since the last round.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Contains(int id) => _marked.Length != 0 && _marked[id];

    /// <summary>Lists <paramref name="id"/> for the next round, once.</summary>
    public void Mark(int id)
    {
        if (_marked[id])
        {
            return;
        }

        if (_count == _list.Length)
        {
            int kept = 0;
            for (int i = 0; i < _count; i++)
            {
                int live = LiveAt(i);
                if (live >= 0)
                {
                    _list[kept] = live;
                    _at[live] = kept++;
                }
            }

            _count = kept;
        }

        _marked[id] = true;
        _at[id] = _count;
        _list[_count++] = id;
    }

    /// <summary>Forgets <paramref name="id"/> (fired, merged away or freed); its list entry goes stale.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Unmark(int id)
    {
        if (_marked.Length != 0)
        {
            _marked[id] = false;
        }
    }

    /// <summary>The id at list position <paramref name="i"/>, or −1 when that entry is stale.</summary>
    public int LiveAt(int i)
    {
        int id = _list[i];
        return _marked[id] && _at[id] == i ? id : -1;
    }

    /// <summary>Ends a round: the caller has unmarked every live entry it visited.</summary>
    public void EndRound() => _count = 0;

    /// <summary>Forgets everything.</summary>
    public void Clear()
    {
        _count = 0;
        Array.Clear(_marked);
    }
}

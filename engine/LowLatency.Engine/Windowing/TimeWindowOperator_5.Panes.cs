using System.Runtime.CompilerServices;
using LowLatency.Engine.State;
using LowLatency.Engine.Time;

namespace LowLatency.Engine.Windowing;

/// <summary>The pane geometry and the (key, pane) state: pane starts, their groups, key ids and each key's newest pane.</summary>
public sealed partial class TimeWindowOperator<TEvent, TKey, TAcc, TFunction, TSink>
{
    /// <summary>The start of the pane holding <paramref name="ts"/> (in range); sets the cached pane and its window ends.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private long PaneStart(long ts)
    {
        if ((ulong)(ts - _cachedPane) < (ulong)_pane)
        {
            return _cachedPane;
        }

        return PaneStartSlow(ts);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private long PaneStartSlow(long ts)
    {
        long start = ts - TickMath.FloorMod(TickMath.FloorMod(ts, _pane) - TickMath.FloorMod(_offset, _pane), _pane);
        PaneWindows(start, out _cachedFirstEnd, out _cachedLastEnd);
        _cachedPane = start;

        // W < firstEnd − 1 is FireBound(W) < firstEnd (and so PurgeBound(W) < firstEnd ≤ lastEnd): no window of the pane has fired.
        bool assigned = _cachedLastEnd > start;
        _cachedQuietBelow = assigned && _emission != EmissionMode.OnEveryUpdate ? _cachedFirstEnd - 1 : long.MinValue;
        return start;
    }

    /// <summary>
    /// The ends of the first and last windows holding the pane at <paramref name="paneStart"/> (window ends step by
    /// the slide); <paramref name="lastEnd"/> ≤ <paramref name="paneStart"/> when no window holds it (a gap).
    /// </summary>
    private void PaneWindows(long paneStart, out long firstEnd, out long lastEnd)
    {
        // The last window start at or before the pane, at distance r below it; the pane is in a gap when r ≥ size.
        long r = TickMath.FloorMod(TickMath.FloorMod(paneStart, _slide) - TickMath.FloorMod(_offset, _slide), _slide);
        if (r >= _size || paneStart < long.MinValue + r)
        {
            firstEnd = long.MaxValue;
            lastEnd = long.MinValue;
            return;
        }

        lastEnd = paneStart - r + _size;
        TickMath.TryAlignUp(paneStart + 1, _endPhase, _slide, out firstEnd);
    }

    /// <summary>
    /// The accumulator of the (key, pane) entry of <paramref name="e"/>, added when absent; <paramref name="slot"/>
    /// is -1 when the state is full. A key's newest pane is kept per key id with its accumulator inline, so the
    /// common event (its key's current pane) costs one key-table probe and one line of <see cref="NewestPane{TAcc}"/>:
    /// the (key, pane) table, which holds several times more entries, is probed only when a pane opens.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref TAcc FindOrAddPane(in TEvent e, long paneStart, out int slot)
    {
        TKey key = _core.Function.GetKey(in e);
        ref NewestPane<TAcc> newest = ref _keyIds.FindValue(key, out int id);
        if (id >= 0 && newest.Start == paneStart && newest.Slot >= 0)
        {
            slot = newest.Slot;
            return ref newest.Acc;
        }

        return ref FindOrAddPaneSlow(key, id, paneStart, out slot);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ref TAcc FindOrAddPaneSlow(TKey key, int id, long paneStart, out int slot)
    {
        KeySlotTable<TKey, NewestPane<TAcc>> keyIds = _keyIds;
        slot = _panes.GetOrAdd(new WindowKey<TKey>(key, paneStart), out bool added);
        if (slot < 0)
        {
            return ref Unsafe.NullRef<TAcc>();
        }

        if (added)
        {
            if (id < 0)
            {
                id = keyIds.GetOrAdd(key, out _);
                if (id >= 0)
                {
                    InitKeyId(id);
                }
            }

            if (id < 0 || !Link(slot, paneStart))
            {
                _panes.RemoveAt(slot);
                if (id >= 0 && _keyRefs[id] == 0)
                {
                    keyIds.RemoveAt(id);
                }

                slot = -1;
                return ref Unsafe.NullRef<TAcc>();
            }

            _paneAcc[slot] = default;
            _keyRefs[id]++;
            _paneKeyId[slot] = id;
        }
        else
        {
            id = _paneKeyId[slot];
        }

        PromoteIfNewest(id, slot, paneStart);
        return ref PaneAcc(slot);
    }

    /// <summary>Makes <paramref name="slot"/> its key's newest pane if it is newer: the old newest's accumulator moves back to the table.</summary>
    private void PromoteIfNewest(int id, int slot, long paneStart)
    {
        ref NewestPane<TAcc> newest = ref _keyIds.ValueAt(id);
        if (newest.Slot >= 0 && paneStart <= newest.Start)
        {
            return;
        }

        if (newest.Slot >= 0)
        {
            _paneAcc[newest.Slot] = newest.Acc;
        }

        newest.Start = paneStart;
        newest.Slot = slot;
        newest.Acc = _paneAcc[slot];
    }

    /// <summary>The accumulator of pane <paramref name="slot"/>: inline in its key's newest-pane entry, or in the pane table.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref TAcc PaneAcc(int slot)
    {
        ref NewestPane<TAcc> newest = ref _keyIds.ValueAt(_paneKeyId[slot]);
        if (newest.Slot == slot)
        {
            return ref newest.Acc;
        }

        return ref _paneAcc[slot];
    }

    private void InitKeyId(int id)
    {
        _keyRefs[id] = 0;
        _gatherStamp[id] = 0;
        _keyIds.ValueAt(id).Slot = -1;
    }

    /// <summary>Gives the key of a restored pane its dense id (shared by all the key's panes).</summary>
    private void AssignKeyId(int slot)
    {
        int id = _keyIds.GetOrAdd(_panes.KeyAt(slot).Key, out bool added);
        if (id < 0)
        {
            throw new SnapshotFormatException($"The snapshot holds more keys than this operator (WindowOptions.KeyCapacity = {_keyIds.Capacity}).");
        }

        if (added)
        {
            InitKeyId(id);
        }

        _keyRefs[id]++;
        _paneKeyId[slot] = id;
        PromoteIfNewest(id, slot, _panes.KeyAt(slot).Time);
    }

    private void ReleaseKeyId(int slot)
    {
        int id = _paneKeyId[slot];
        ref NewestPane<TAcc> newest = ref _keyIds.ValueAt(id);
        if (newest.Slot == slot)
        {
            newest.Slot = -1;
        }

        if (--_keyRefs[id] == 0)
        {
            _keyIds.RemoveAt(id);
        }
    }

    /// <summary>Appends a new pane entry to its pane-start group, creating the group in order; false when no group is free.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Link(int slot, long paneStart)
    {
        _paneNext[slot] = -1;
        int g = _groupCount - 1;
        if (g >= 0 && _groups[g].Start == paneStart)
        {
            ref PaneGroup last = ref _groups[g];
            _paneNext[last.Tail] = slot;
            last.Tail = slot;
            last.Count++;
            return true;
        }

        return LinkSlow(slot, paneStart);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool LinkSlow(int slot, long paneStart)
    {
        int g = LowerBound(paneStart);
        if (g < _groupCount && _groups[g].Start == paneStart)
        {
            ref PaneGroup group = ref _groups[g];
            _paneNext[group.Tail] = slot;
            group.Tail = slot;
            group.Count++;
            return true;
        }

        if (_groupCount == _groups.Length)
        {
            return false;
        }

        Array.Copy(_groups, g, _groups, g + 1, _groupCount - g);
        _groups[g] = new PaneGroup { Start = paneStart, Head = slot, Tail = slot, Count = 1 };
        _core.WakeAt = long.MinValue; // a new pane may hold an earlier window end: recompute at the next advance
        _groupCount++;
        return true;
    }

    /// <summary>The first group whose start is ≥ <paramref name="start"/>.</summary>
    private int LowerBound(long start)
    {
        int lo = 0;
        int hi = _groupCount;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_groups[mid].Start < start)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>Frees every pane whose last window is purged (its end ≤ <paramref name="purgeBound"/>).</summary>
    private void RemoveDeadPanes(long purgeBound)
    {
        int dead = 0;
        while (dead < _groupCount)
        {
            PaneWindows(_groups[dead].Start, out _, out long lastEnd);
            if (lastEnd > purgeBound)
            {
                break;
            }

            for (int s = _groups[dead].Head; s >= 0;)
            {
                int next = _paneNext[s];
                ReleaseKeyId(s);
                _panes.RemoveAt(s);
                _paneDirty.Unmark(s);
                s = next;
            }

            dead++;
        }

        if (dead > 0)
        {
            Array.Copy(_groups, dead, _groups, 0, _groupCount - dead);
            _groupCount -= dead;
        }
    }
}

using System.Diagnostics;
using System.Runtime.CompilerServices;
using LowLatency.Engine.State;
using LowLatency.Engine.Time;

namespace LowLatency.Engine.Windowing;

/// <summary>The pane geometry and the (key, pane) state: pane starts, their groups, key ids, each key's panes and its newest.</summary>
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
    /// common event (its key's current pane) costs one key-table probe and one line of <see cref="NewestPane{TAcc}"/>.
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

        // The slot comes back as a value, not through an out parameter: one whose address went to a call would
        // live in memory on the common path too.
        slot = FindOrAddPaneSlow(key, id, paneStart);
        return ref slot >= 0 ? ref PaneAcc(slot) : ref Unsafe.NullRef<TAcc>();
    }

    /// <summary>
    /// A pane other than the key's newest: found on the key's list of panes (newest to oldest, a few entries), or
    /// opened in its place there; -1 when the state is full. No table of (key, pane) pairs exists: the key's list is
    /// all a lookup needs.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private int FindOrAddPaneSlow(TKey key, int id, long paneStart)
    {
        if (id < 0 && (id = AddKey(key)) < 0)
        {
            return -1;
        }

        int newer = FindOnKey(id, paneStart, out int older);
        return older >= 0 && _entries[older].Start == paneStart ? older : OpenPane(id, paneStart, newer, older);
    }

    /// <summary>
    /// Walks key <paramref name="id"/>'s panes from the newest: <paramref name="atOrOlder"/> is the newest pane starting
    /// at or before <paramref name="paneStart"/> (-1: none), and the pane just newer than it is returned (-1: none).
    /// </summary>
    private int FindOnKey(int id, long paneStart, out int atOrOlder)
    {
        int newer = -1;
        int s = _keyIds.ValueAt(id).Slot;
        while (s >= 0 && _entries[s].Start > paneStart)
        {
            newer = s;
            s = _entries[s].Older;
        }

        atOrOlder = s;
        return newer;
    }

    /// <summary>The pane (<paramref name="key"/>, <paramref name="paneStart"/>), or -1.</summary>
    private int FindPane(TKey key, long paneStart)
    {
        int id = _keyIds.Find(key);
        if (id < 0)
        {
            return -1;
        }

        FindOnKey(id, paneStart, out int s);
        return s >= 0 && _entries[s].Start == paneStart ? s : -1;
    }

    /// <summary>Opens pane <paramref name="paneStart"/> of key <paramref name="id"/> between two of its panes (-1: none); -1 when the state is full.</summary>
    private int OpenPane(int id, long paneStart, int newer, int older)
    {
        int slot = _freePane;
        if (slot >= 0)
        {
            _freePane = _entries[slot].Next;
        }
        else if (_paneHighWater < _entries.Length)
        {
            slot = _paneHighWater++;
        }
        else
        {
            return -1;
        }

        if (!Link(slot, paneStart))
        {
            _entries[slot].Next = _freePane;
            _freePane = slot;
            return -1;
        }

        ref PaneEntry<TAcc> pane = ref _entries[slot];
        pane.Start = paneStart;
        pane.KeyId = id;
        pane.Older = older;
        pane.Newer = newer;
        pane.IsNewest = false;
        pane.Acc = default;
        if (older >= 0)
        {
            _entries[older].Newer = slot;
        }

        if (newer >= 0)
        {
            _entries[newer].Older = slot;
        }
        else
        {
            MakeNewest(id, slot);
        }

        _livePanes++;
        return slot;
    }

    /// <summary>Makes <paramref name="slot"/> its key's newest pane: the previous newest's accumulator moves back into its entry.</summary>
    private void MakeNewest(int id, int slot)
    {
        ref NewestPane<TAcc> newest = ref _keyIds.ValueAt(id);
        if (newest.Slot >= 0)
        {
            ref PaneEntry<TAcc> previous = ref _entries[newest.Slot];
            previous.Acc = newest.Acc;
            previous.IsNewest = false;
        }

        newest.Slot = slot;
        if (slot >= 0)
        {
            ref PaneEntry<TAcc> pane = ref _entries[slot];
            newest.Start = pane.Start;
            newest.Acc = pane.Acc;
            pane.IsNewest = true;
        }
    }

    /// <summary>Frees pane <paramref name="slot"/>: off its key's list (its key stays in the table, idle, until the table fills) and back to the pool.</summary>
    private void FreePane(int slot)
    {
        ref PaneEntry<TAcc> pane = ref _entries[slot];
        if (pane.Older >= 0)
        {
            _entries[pane.Older].Newer = pane.Newer;
        }

        if (pane.Newer >= 0)
        {
            _entries[pane.Newer].Older = pane.Older;
        }
        else
        {
            // The key's newest goes: its next older (if any) becomes the newest (its accumulator is in its entry).
            ref NewestPane<TAcc> newest = ref _keyIds.ValueAt(pane.KeyId);
            newest.Slot = -1;
            pane.IsNewest = false;
            MakeNewest(pane.KeyId, pane.Older);
        }

        pane.Next = _freePane;
        _freePane = slot;
        _livePanes--;
    }

    /// <summary>The accumulator of pane <paramref name="slot"/>: inline in its key's newest-pane entry, or in the pane's own.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref TAcc PaneAcc(int slot)
    {
        // A flag by slot, not the key's entry: a firing walks many older panes, which then cost no key-table access.
        ref PaneEntry<TAcc> pane = ref _entries[slot];
        if (!pane.IsNewest)
        {
            return ref pane.Acc;
        }

        ref NewestPane<TAcc> newest = ref _keyIds.ValueAt(pane.KeyId);
        Debug.Assert(newest.Slot == slot, "the flag mirrors the key's newest pane");
        return ref newest.Acc;
    }

    /// <summary>The key of pane <paramref name="slot"/>.</summary>
    private TKey KeyOf(int slot) => _keyIds.KeyAt(_entries[slot].KeyId);

    /// <summary>
    /// A key id for <paramref name="key"/>; -1 when the table is full of keys with live panes. Keys whose panes are
    /// all gone stay in the table (most come back in the next pane) and are swept out only when it fills.
    /// </summary>
    private int AddKey(TKey key)
    {
        int id = _keyIds.GetOrAdd(key, static newest => newest.Slot < 0);
        if (id >= 0)
        {
            _gatherStamp[id] = 0;
            _keyIds.ValueAt(id).Slot = -1;
        }

        return id;
    }

    /// <summary>Appends a new pane entry to its pane-start group, creating the group in order; false when no group is free.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Link(int slot, long paneStart)
    {
        _entries[slot].Next = -1;
        int g = _groupCount - 1;
        if (g >= 0 && _groups[g].Start == paneStart)
        {
            ref PaneGroup last = ref _groups[g];
            _entries[last.Tail].Next = slot;
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
            _entries[group.Tail].Next = slot;
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
                int next = _entries[s].Next;
                FreePane(s);
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

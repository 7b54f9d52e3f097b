using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using LowLatency.Engine.State;
using LowLatency.Engine.Time;

namespace LowLatency.Engine.Windowing;

/// <summary>
/// Keyed tumbling and hopping windows in event or processing time, with watermarks, allowed lateness,
/// a late side output and the three emission modes (DESIGN.md §4). Any size, slide and offset. Single-threaded;
/// allocation-free per event once constructed.
/// </summary>
/// <remarks>
/// <para>State is one accumulator per (key, pane), panes being <c>gcd(Size, Slide)</c> wide, in a pre-sized pool of
/// <see cref="PaneEntry{TAcc}"/>; each event updates exactly one pane. A key table maps each key to its newest pane
/// (accumulator inline) and through it to the key's list of older panes, so no table of (key, pane) pairs is probed
/// or re-hashed as panes open and close. Pane starts live in a small sorted array (<see cref="PaneGroup"/>), each
/// with an intrusive list of its entries in arrival order, so firing a window walks only the panes it covers. With
/// <c>Slide &gt; Size</c> the panes between windows hold nothing: their events are refused as
/// <see cref="LateReason.Unassigned"/>.</para>
/// <para>Order: within one window end, keys come in the order their first event reached the window's first live
/// pane (tumbling: arrival order in the pane).</para>
/// <para>Versions: when lateness is 0 and results are emitted on close, each window emits once
/// (version 1, on time, final) and no per-window bookkeeping exists; otherwise a (key, window end) table holds the
/// last version until the window is purged.</para>
/// <para>Range: an event whose windows cannot all be represented in Int64 (start below <see cref="long.MinValue"/>
/// or end above <see cref="long.MaxValue"/>) is refused as <see cref="LateReason.TimestampOutOfRange"/> and does not
/// move the watermark.</para>
/// </remarks>
/// <inheritdoc cref="WindowOperator{TEvent, TKey, TAcc, TFunction, TSink}" path="/typeparam"/>
public sealed partial class TimeWindowOperator<TEvent, TKey, TAcc, TFunction, TSink> : WindowOperator<TEvent, TKey, TAcc, TFunction, TSink>
    where TEvent : struct
    where TKey : unmanaged, IEquatable<TKey>
    where TAcc : unmanaged
    where TFunction : struct, IWindowFunction<TEvent, TKey, TAcc>
    where TSink : struct, IWindowSink<TEvent, TKey, TAcc>
{
    // How many events ahead a batch prefetches a key's state: about one memory latency of work (16 measured no better).
    private const int PrefetchDistance = 8;

    private readonly long _size;
    private readonly long _slide;
    private readonly long _pane;        // gcd(size, slide): window bounds fall on pane bounds
    private readonly long _offset;
    private readonly long _endPhase;    // window ends are ≡ offset + size (mod slide)
    private readonly bool _singlePane;  // a window is one pane (tumbling, or slide a multiple of size)
    private readonly bool _tracksVersions;

    private readonly PaneEntry<TAcc>[] _entries; // by pane slot
    private int _freePane = -1;                 // free-list head; then slots from _paneHighWater
    private int _paneHighWater;
    private int _livePanes;
    private readonly PaneGroup[] _groups;
    private int _groupCount;

    private readonly KeySlotTable<WindowKey<TKey>>? _windows; // (key, window end) → version bookkeeping
    private readonly int[] _windowVersion;
    private readonly bool[] _windowFinal;
    private readonly int[] _windowEarlyRound;

    // Keys get dense ids when their first pane opens: the per-event lookup goes through the small key table,
    // whose value is the key's newest pane (the head of its list of panes), and the per-firing merge indexes arrays
    // instead of hashing: _scratchAcc[id] is valid when _gatherStamp[id] equals the current gather round, and
    // _gathered lists the ids of one gather in first-seen order.
    private readonly KeySlotTable<TKey, NewestPane<TAcc>> _keyIds;  // key → id, and its newest pane with the accumulator inline (see PaneAcc)
    private readonly int[] _gatherStamp;
    private readonly int[] _gathered;
    private readonly TAcc[] _scratchAcc;                       // key id → merged value of the current gather
    private int _gatherRound;

    private readonly DirtySet _paneDirty;                     // early mode: panes changed since the last early round
    private int _earlyRound;

    // The pane of the last event and its windows' ends (events mostly land in the newest pane: no division).
    private long _cachedPane;
    private long _cachedFirstEnd;
    private long _cachedLastEnd;
    private long _cachedQuietBelow; // watermarks below it: the pane's windows are all open, its events emit nothing (AcceptQuiet)

    // Batches take quiet runs (QuietRun): event time, one input with bounded out-of-orderness and no punctuation, results on close.
    private readonly bool _quietRuns;

    /// <summary>Creates the operator; <paramref name="options"/> is validated here (Kind Tumbling or Hopping).</summary>
    public TimeWindowOperator(WindowOptions options, TFunction function = default, TSink sink = default)
        : base(Validated(options), function, sink, options.TimeDomain == TimeDomain.ProcessingTime, AcceptedRange(options).Min, AcceptedRange(options).Max)
    {
        _size = options.Size;
        _slide = SlideOf(options);
        _pane = (long)BigInteger.GreatestCommonDivisor(_size, _slide);
        _offset = options.Offset;
        _endPhase = TickMath.FloorMod(TickMath.FloorMod(_offset, _slide) + TickMath.FloorMod(_size, _slide), _slide);
        _singlePane = _size == _pane;
        _tracksVersions = options.AllowedLateness > 0 || _emission != EmissionMode.OnClose;

        int capacity = options.Capacity;
        _entries = new PaneEntry<TAcc>[capacity];
        _groups = new PaneGroup[options.MaxOpenPanes];
        if (_tracksVersions)
        {
            long windowsPerPane = ((_size - 1) / _slide) + 1;
            int windows = (int)Math.Min(capacity * windowsPerPane, 1 << 27);
            _windows = new KeySlotTable<WindowKey<TKey>>(windows);
            _windowVersion = new int[windows];
            _windowFinal = new bool[windows];
            _windowEarlyRound = new int[windows];
        }
        else
        {
            _windowVersion = [];
            _windowFinal = [];
            _windowEarlyRound = [];
        }

        int keys = options.KeyCapacity ?? capacity;
        _keyIds = new KeySlotTable<TKey, NewestPane<TAcc>>(keys);
        _gatherStamp = new int[keys];
        _gathered = new int[keys];
        _scratchAcc = new TAcc[keys];

        _paneDirty = new DirtySet(_emission == EmissionMode.EarlyEveryPeriod ? capacity : 0);
        _quietRuns = !IsProcessingTime && _emission == EmissionMode.OnClose && _core.Tracker.IsSingleBounded
            && !typeof(IPunctuatedWatermark<TEvent>).IsAssignableFrom(typeof(TFunction));

        // The cache depends on nothing but the pane: primed with any pane, it is always valid (no flag to test per event).
        PaneStartSlow(0);
    }

    /// <summary>Live (key, pane) entries.</summary>
    public int LiveEntries => _livePanes;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into OnBatch's loop and a caller's own (the rare paths are calls)
    public override void OnEvent(ref TEvent e, int input, long sequence)
    {
        _core.Sequence = sequence;
        long ts = IsProcessingTime ? _core.Now : _core.Function.GetTimestamp(in e);
        long before = _core.Watermark;
        if (!_core.InRange(ts))
        {
            _core.Refuse(in e, LateReason.TimestampOutOfRange, before);
            return;
        }

        long paneStart = PaneStart(ts);
        if (before < _cachedQuietBelow)
        {
            AcceptQuiet(in e, ts, paneStart, before);
        }
        else
        {
            Judge(in e, ts, paneStart, before);
        }

        if (!IsProcessingTime && _core.AfterEvent(in e, ts, input, before))
        {
            Advance(before, _core.Watermark);
        }
    }

    /// <summary>
    /// Handles the events of <paramref name="batch"/> in order (sequences from <paramref name="firstSequence"/>), each key's
    /// state prefetched a few events ahead: runs of quiet events (<see cref="QuietRun"/>) in a tight loop, every other
    /// event through <see cref="OnEvent(ref TEvent, int, long)"/>.
    /// </summary>
    public override void OnBatch(Span<TEvent> batch, int input, long firstSequence)
    {
        int i = 0;
        while (i < batch.Length)
        {
            if (_quietRuns && input == 0)
            {
                i = QuietRun(batch, i, firstSequence);
                if (i == batch.Length)
                {
                    break;
                }
            }

            if (i + PrefetchDistance < batch.Length)
            {
                _keyIds.Prefetch(_core.Function.GetKey(in batch[i + PrefetchDistance]));
            }

            OnEvent(ref batch[i], input, firstSequence + i);
            i++;
        }
    }

    /// <summary>
    /// Handles events from <paramref name="start"/> on while each is quiet, and returns the index of the first that is
    /// not (or the batch's length). Quiet: in range, in the cached pane, before any of the pane's windows fires, in its
    /// key's newest pane, and not moving the watermark to the wake gate. Such an event only updates one accumulator,
    /// the counters and the watermark, which this loop keeps in locals and stores once: exactly what
    /// <see cref="OnEvent(ref TEvent, int, long)"/> does for it, in fewer instructions. The first event that is not quiet
    /// is left untouched for <see cref="OnEvent(ref TEvent, int, long)"/>.
    /// </summary>
    private int QuietRun(Span<TEvent> batch, int start, long firstSequence)
    {
        long watermark = _core.Watermark;
        long wakeAt = _core.WakeAt;
        long quietBelow = _cachedQuietBelow;
        long paneStart = _cachedPane;
        long boundPlusOne = _core.Tracker.BoundPlusOne;
        long accepted = 0;
        long lateAccepted = 0;
        long mover = long.MinValue; // the timestamp that last moved the watermark
        KeySlotTable<TKey, NewestPane<TAcc>>.Reader keys = _keyIds.Read(); // no key is added or removed in the run
        int i = start;
        for (; i < batch.Length; i++)
        {
            ref TEvent e = ref batch[i];
            long ts = _core.Function.GetTimestamp(in e);
            if (!_core.InRange(ts) || (ulong)(ts - paneStart) >= (ulong)_pane || watermark >= quietBelow)
            {
                break;
            }

            long candidate = TickMath.SaturatingSubtract(ts, boundPlusOne);
            if (candidate > watermark && candidate >= wakeAt)
            {
                break;
            }

            if (i + PrefetchDistance < batch.Length)
            {
                keys.Prefetch(_core.Function.GetKey(in batch[i + PrefetchDistance]));
            }

            ref NewestPane<TAcc> newest = ref keys.FindValue(_core.Function.GetKey(in e), out int id);
            if (id < 0 || newest.Start != paneStart || newest.Slot < 0)
            {
                break;
            }

            _core.Function.Add(ref newest.Acc, in e);
            accepted++;
            if (ts <= watermark)
            {
                lateAccepted++;
            }

            if (candidate > watermark)
            {
                watermark = candidate;
                mover = ts;
            }
        }

        if (i > start)
        {
            _core.Counters.EventsAccepted += accepted;
            _core.Counters.LateAccepted += lateAccepted;
            _core.Sequence = firstSequence + i - 1;
            if (mover != long.MinValue)
            {
                _core.Tracker.OnEvent(mover);
            }
        }

        return i;
    }

    /// <summary>The common event: every window of its pane is still open and nothing is emitted for it now.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void AcceptQuiet(in TEvent e, long ts, long paneStart, long before)
    {
        int slot = AddToPane(in e, ts, paneStart, before);
        if (slot >= 0 && _emission == EmissionMode.EarlyEveryPeriod && !_paneDirty.Contains(slot))
        {
            _paneDirty.Mark(slot);
        }
    }

    /// <summary>Adds the event to its (key, pane) entry and counts it; the entry's slot, or -1 when the state was full (refused).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int AddToPane(in TEvent e, long ts, long paneStart, long before)
    {
        ref TAcc accumulator = ref FindOrAddPane(in e, paneStart, out int slot);
        if (slot < 0)
        {
            _core.RefuseFull(in e, Options, before);
            return -1;
        }

        _core.Function.Add(ref accumulator, in e);
        _core.Accepted(ts, before);
        return slot;
    }

    /// <summary>An event whose pane is in a gap, or has windows fired or purged, or emits on every update.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Judge(in TEvent e, long ts, long paneStart, long before)
    {
        long lastEnd = _cachedLastEnd;
        long purgeBound = _core.PurgeBound(before);
        if (lastEnd <= paneStart)
        {
            _core.Refuse(in e, LateReason.Unassigned, before);
            return;
        }

        if (lastEnd <= purgeBound)
        {
            _core.Refuse(in e, LateReason.WindowClosed, before);
            return;
        }

        int slot = AddToPane(in e, ts, paneStart, before);
        if (slot < 0)
        {
            return;
        }

        long firstEnd = _cachedFirstEnd;
        if (firstEnd <= purgeBound)
        {
            // Too late for the pane's earliest windows (hopping), on time for later ones: count each window missed.
            _core.Counters.PartialDrops += ((purgeBound - firstEnd) / _slide) + 1;
        }

        if (firstEnd <= WindowBounds.FireBound(before) || _emission == EmissionMode.OnEveryUpdate)
        {
            EmitAfterUpdate(slot, paneStart, before);
        }
        else if (_emission == EmissionMode.EarlyEveryPeriod && !_paneDirty.Contains(slot))
        {
            _paneDirty.Mark(slot);
        }
    }

    /// <summary>After an update of pane (key, paneStart): re-fire fired-but-alive windows (late), or (every-update) emit every alive window holding it (early).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void EmitAfterUpdate(int slot, long paneStart, long before)
    {
        int id = _entries[slot].KeyId;
        TKey key = _keyIds.KeyAt(id);
        PaneWindows(paneStart, out long end, out long lastEnd);
        long purgeBound = _core.PurgeBound(before);
        long fireBound = WindowBounds.FireBound(before);
        while (true)
        {
            if (end > purgeBound)
            {
                bool fired = end <= fireBound;
                if (fired || _emission == EmissionMode.OnEveryUpdate)
                {
                    TAcc value = MergeKey(id, end);
                    EmitVersioned(key, end, in value, fired ? PaneTiming.Late : PaneTiming.Early, isFinal: false);
                }
                else if (_emission == EmissionMode.EarlyEveryPeriod && !_paneDirty.Contains(slot))
                {
                    _paneDirty.Mark(slot);
                }
            }

            if (end == lastEnd)
            {
                break;
            }

            end += _slide;
        }
    }

    /// <summary>The merge of key <paramref name="id"/>'s panes in the window ending at <paramref name="end"/>, in start order.</summary>
    private TAcc MergeKey(int id, long end)
    {
        // The key's list runs newest to oldest: find the oldest pane in the window, then merge towards the newer ones.
        long start = end - _size;
        int first = -1;
        for (int s = _keyIds.ValueAt(id).Slot; s >= 0 && _entries[s].Start >= start; s = _entries[s].Older)
        {
            first = s;
        }

        TAcc value = default;
        for (int s = first; s >= 0 && _entries[s].Start < end; s = _entries[s].Newer)
        {
            _core.Function.Merge(ref value, in PaneAcc(s));
        }

        return value;
    }

    private void EmitVersioned(TKey key, long end, in TAcc value, PaneTiming timing, bool isFinal)
    {
        int w = WindowSlot(key, end);
        int version = ++_windowVersion[w];
        _windowFinal[w] = isFinal;
        if (isFinal)
        {
            _windows!.RemoveAt(w);
        }

        _core.Emit(key, end - _size, end, version, timing, isFinal, in value);
    }

    /// <summary>The version bookkeeping of window (<paramref name="key"/>, <paramref name="end"/>), added fresh when absent.</summary>
    private int WindowSlot(TKey key, long end)
    {
        Debug.Assert(_windows is not null, "versioned emission needs the window table");
        int w = _windows.GetOrAdd(new WindowKey<TKey>(key, end), out bool added);
        if (w < 0)
        {
            throw new StateTableFullException("The window version table is full; this is a bug: it is sized for every (key, window) its panes can open.");
        }

        if (added)
        {
            _windowVersion[w] = 0;
            _windowFinal[w] = false;
            _windowEarlyRound[w] = 0;
        }

        return w;
    }

    /// <summary>The watermark moved from <paramref name="before"/> to <paramref name="after"/>: fire on time, then purge, then free dead panes.</summary>
    private protected override void Advance(long before, long after)
    {
        if (_groupCount == 0)
        {
            _core.WakeAt = long.MaxValue; // the next new pane resets it
            return;
        }

        long fireBefore = WindowBounds.FireBound(before);
        long fireAfter = WindowBounds.FireBound(after);
        long purgeBefore = _core.PurgeBound(before);
        long purgeAfter = _core.PurgeBound(after);

        // On time, in every emission mode: every window with before < end − 1 ≤ after.
        if (fireAfter > fireBefore && TickMath.TryAlignUp(fireBefore + 1, _endPhase, _slide, out long end))
        {
            while (NextWindowWithData(ref end, out int first) && end <= fireAfter)
            {
                Fire(end, first, isFinal: end <= purgeAfter);
                if (end > long.MaxValue - _slide)
                {
                    break;
                }

                end += _slide;
            }
        }

        // Purged: every window with before < end − 1 + L ≤ after gets a final result if its last was not final.
        if (_tracksVersions && purgeAfter > purgeBefore && TickMath.TryAlignUp(purgeBefore + 1, _endPhase, _slide, out end))
        {
            while (NextWindowWithData(ref end, out int first) && end <= purgeAfter)
            {
                PurgeWindow(end, first);
                if (end > long.MaxValue - _slide)
                {
                    break;
                }

                end += _slide;
            }
        }

        RemoveDeadPanes(purgeAfter);
        _core.WakeAt = NextWake(after);
    }

    /// <summary>The lowest watermark at which a window with data fires or purges, or a pane dies.</summary>
    private long NextWake(long watermark)
    {
        if (_groupCount == 0)
        {
            return long.MaxValue;
        }

        PaneWindows(_groups[0].Start, out _, out long firstPaneLastEnd);
        long wake = _core.PurgeAt(firstPaneLastEnd);
        long fireBound = WindowBounds.FireBound(watermark);
        if (fireBound < long.MaxValue && TickMath.TryAlignUp(fireBound + 1, _endPhase, _slide, out long end) && NextWindowWithData(ref end, out _))
        {
            wake = Math.Min(wake, end - 1);
        }

        long purgeBound = _core.PurgeBound(watermark);
        if (_tracksVersions && purgeBound < long.MaxValue && TickMath.TryAlignUp(purgeBound + 1, _endPhase, _slide, out end) && NextWindowWithData(ref end, out _))
        {
            wake = Math.Min(wake, _core.PurgeAt(end));
        }

        return wake;
    }

    /// <summary>Moves <paramref name="end"/> (a window end) forward to the first window end ≥ it whose window holds a live pane.</summary>
    private bool NextWindowWithData(ref long end, out int first)
    {
        first = LowerBound(TickMath.SaturatingSubtract(end, _size));
        if (first == _groupCount)
        {
            return false;
        }

        long start = _groups[first].Start;
        if (start >= end)
        {
            // The first window end above the pane: its window holds the pane (every stored pane is in a window).
            return TickMath.TryAlignUp(start + 1, _endPhase, _slide, out end);
        }

        return true;
    }

    private void Fire(long end, int first, bool isFinal)
    {
        if (_singlePane)
        {
            for (int s = _groups[first].Head; s >= 0; s = _entries[s].Next)
            {
                EmitFired(KeyOf(s), end, in PaneAcc(s), isFinal);
            }

            return;
        }

        int keys = Gather(end, first);
        for (int k = 0; k < keys; k++)
        {
            int id = _gathered[k];
            EmitFired(_keyIds.KeyAt(id), end, in _scratchAcc[id], isFinal);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void EmitFired(TKey key, long end, in TAcc value, bool isFinal)
    {
        if (_tracksVersions)
        {
            EmitVersioned(key, end, in value, PaneTiming.OnTime, isFinal);
        }
        else
        {
            _core.Emit(key, end - _size, end, 1, PaneTiming.OnTime, isFinal, in value);
        }
    }

    private void PurgeWindow(long end, int first)
    {
        int keys = Gather(end, first);
        for (int k = 0; k < keys; k++)
        {
            int id = _gathered[k];
            TKey key = _keyIds.KeyAt(id);
            int w = _windows!.Find(new WindowKey<TKey>(key, end));
            if (w >= 0)
            {
                bool wasFinal = _windowFinal[w];
                int version = _windowVersion[w] + 1;
                _windows.RemoveAt(w);
                if (!wasFinal)
                {
                    _core.Emit(key, end - _size, end, version, PaneTiming.Late, true, in _scratchAcc[id]);
                }
            }
        }
    }

    /// <summary>Merges, per key, every pane of the window ending at <paramref name="end"/> into the scratch table; returns the key count.</summary>
    private int Gather(long end, int first)
    {
        int round = ++_gatherRound;
        if (round == int.MaxValue)
        {
            Array.Clear(_gatherStamp);
            _gatherRound = round = 1;
        }

        int count = 0;
        for (int g = first; g < _groupCount && _groups[g].Start < end; g++)
        {
            for (int s = _groups[g].Head; s >= 0; s = _entries[s].Next)
            {
                int id = _entries[s].KeyId;
                if (_gatherStamp[id] != round)
                {
                    _gatherStamp[id] = round;
                    _scratchAcc[id] = PaneAcc(s);
                    _gathered[count++] = id;
                }
                else
                {
                    _core.Function.Merge(ref _scratchAcc[id], in PaneAcc(s));
                }
            }
        }

        return count;
    }

    /// <summary>Early round: one non-final result per not-yet-fired window whose panes changed since the last round.</summary>
    private protected override void EmitEarly()
    {
        _earlyRound++;
        long fireBound = WindowBounds.FireBound(_core.Watermark);
        for (int i = 0; i < _paneDirty.Count; i++)
        {
            int slot = _paneDirty.LiveAt(i);
            if (slot < 0)
            {
                continue;
            }

            _paneDirty.Unmark(slot);
            int id = _entries[slot].KeyId;
            PaneWindows(_entries[slot].Start, out long end, out long lastEnd);
            while (true)
            {
                if (end > fireBound)
                {
                    EmitEarly(id, end);
                }

                if (end == lastEnd)
                {
                    break;
                }

                end += _slide;
            }
        }

        _paneDirty.EndRound();
    }

    private void EmitEarly(int id, long end)
    {
        TKey key = _keyIds.KeyAt(id);
        int w = WindowSlot(key, end);
        if (_windowEarlyRound[w] == _earlyRound)
        {
            return;
        }

        _windowEarlyRound[w] = _earlyRound;
        TAcc value = MergeKey(id, end);
        _core.Emit(key, end - _size, end, ++_windowVersion[w], PaneTiming.Early, false, in value);
    }

    private static WindowOptions Validated(WindowOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (options.Kind == WindowKind.Session)
        {
            ThrowHelper.ThrowOption("WindowOptions.Kind", options.Kind, "TimeWindowOperator runs Tumbling or Hopping windows; use SessionWindowOperator.");
        }

        return options;
    }

    private static long SlideOf(WindowOptions options) => options.Kind == WindowKind.Tumbling ? options.Size : options.Slide;

    /// <summary>
    /// The timestamps whose windows can all be represented: a window starting below <see cref="long.MinValue"/> or
    /// ending above <see cref="long.MaxValue"/> would have to be clamped (wrong results) or would wrap (endless output).
    /// </summary>
    private static (long Min, long Max) AcceptedRange(WindowOptions options)
    {
        long size = options.Size;
        long slide = SlideOf(options);
        long offset = options.Offset;
        // The last window start below long.MinValue covers timestamps up to its start + size − 1.
        Int128 lowStart = TickMath.AlignDown((Int128)long.MinValue - 1, offset, slide);
        Int128 min = Int128.Max(lowStart + size, long.MinValue);

        // The first window start whose end passes long.MaxValue: timestamps from it on belong to that window.
        Int128 highStart = TickMath.AlignDown((Int128)long.MaxValue - size + slide, offset, slide);
        Int128 max = Int128.Min(highStart - 1, long.MaxValue);
        Debug.Assert(max - min >= 2, "size ≤ long.MaxValue leaves at least three timestamps");
        return ((long)min, (long)max);
    }
}

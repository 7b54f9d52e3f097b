using System.Diagnostics.CodeAnalysis;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LowLatency.Engine.State;
using LowLatency.Engine.Time;

namespace LowLatency.Engine.Windowing;

/// <summary>
/// Keyed tumbling and hopping windows in event or processing time, with watermarks, allowed lateness,
/// a late side output and the three emission modes (DESIGN.md §4). Single-threaded; allocation-free per
/// event once constructed.
/// </summary>
/// <remarks>
/// <para>State is one accumulator per (key, pane), panes being one slide wide, in a pre-sized
/// open-addressing table; each event updates exactly one pane. Pane starts live in a small sorted array
/// (<see cref="PaneGroup"/>), each with an intrusive list of its entries in arrival order, so firing a
/// window walks only the panes it covers and emission order is a function of the input alone.</para>
/// <para>Determinism: an event is judged against the watermark as it stood before it; its own updates
/// (and re-firings) are emitted first, then the windows its watermark advance fires, in ascending end.
/// Batch boundaries play no part.</para>
/// <para>Versions: when lateness is 0 and results are emitted on close, each window emits once
/// (version 1, final) and no per-window bookkeeping exists; otherwise a (key, window end) table holds the
/// last version until the window is purged.</para>
/// </remarks>
/// <typeparam name="TEvent">The input event.</typeparam>
/// <typeparam name="TKey">The key.</typeparam>
/// <typeparam name="TAcc">The accumulator.</typeparam>
/// <typeparam name="TFunction">Time, key and aggregation of an event.</typeparam>
/// <typeparam name="TSink">Where results, late events and the end marker go.</typeparam>
public sealed class TimeWindowOperator<TEvent, TKey, TAcc, [DynamicallyAccessedMembers(PunctuationHook.Members)] TFunction, TSink> : IWindowOperator<TEvent>
    where TEvent : struct
    where TKey : unmanaged, IEquatable<TKey>
    where TAcc : unmanaged
    where TFunction : struct, IWindowFunction<TEvent, TKey, TAcc>
    where TSink : struct, IWindowSink<TEvent, TKey, TAcc>
{
    private static readonly TryGetWatermarkHook<TFunction, TEvent>? s_punctuation = PunctuationHook<TFunction, TEvent>.TryGetWatermark;

    // Mutable structs kept non-readonly on purpose: the function and sink may carry state updated in place.
    private TFunction _function;
    private TSink _sink;

    private readonly WindowOptions _options;
    private readonly long _size;
    private readonly long _slide;
    private readonly long _offset;
    private readonly long _lateness;
    private readonly bool _tumbling;
    private readonly bool _processingTime;
    private readonly EmissionMode _emission;
    private readonly bool _tracksVersions;
    private readonly WatermarkTracker _watermark;

    private readonly KeySlotTable<WindowKey<TKey>> _panes;
    private readonly TAcc[] _paneAcc;
    private readonly int[] _paneNext;
    private readonly PaneGroup[] _groups;
    private int _groupCount;

    private readonly KeySlotTable<WindowKey<TKey>>? _windows; // (key, window end) → version bookkeeping
    private readonly int[] _windowVersion;
    private readonly bool[] _windowFinal;
    private readonly int[] _windowEarlyRound;

    // Keys get dense ids when their first pane opens: the per-event lookup goes through the small key table
    // (with the key's newest pane cached by id), and the per-firing merge indexes arrays instead of hashing: _scratchAcc[id] is valid when _gatherStamp[id]
    // equals the current gather round, and _gathered lists the ids of one gather in first-seen order.
    private readonly KeySlotTable<TKey> _keyIds;
    private readonly int[] _paneKeyId;                         // pane slot → key id
    private readonly int[] _keyRefs;                           // key id → live panes
    private readonly NewestPane<TAcc>[] _newestPane;           // key id → its newest pane, accumulator inline (see PaneAcc)
    private readonly int[] _gatherStamp;
    private readonly int[] _gathered;
    private readonly TAcc[] _scratchAcc;                       // key id → merged value of the current gather
    private int _gatherRound;

    private readonly DirtySet _paneDirty;                     // early mode: panes changed since the last early round
    private int _earlyRound;
    private long _nextEarly = long.MinValue;

    private long _now;
    private long _wakeAt = long.MinValue;
    private long _cachedPaneStart = long.MinValue;
    private bool _ended;
    private WindowResult<TKey, TAcc> _result;

    /// <summary>Creates the operator; <paramref name="options"/> is validated here (Kind Tumbling or Hopping).</summary>
    public TimeWindowOperator(WindowOptions options, TFunction function = default, TSink sink = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (options.Kind == WindowKind.Session)
        {
            ThrowHelper.ThrowOption("WindowOptions.Kind", options.Kind, "TimeWindowOperator runs Tumbling or Hopping windows; use SessionWindowOperator.");
        }

        _options = options;
        _function = function;
        _sink = sink;
        _size = options.Size;
        _slide = options.Kind == WindowKind.Tumbling ? options.Size : options.Slide;
        _offset = options.Offset;
        _lateness = options.AllowedLateness;
        _tumbling = _size == _slide;
        _processingTime = options.TimeDomain == TimeDomain.ProcessingTime;
        _emission = options.Emission;
        _tracksVersions = _lateness > 0 || _emission != EmissionMode.OnClose;
        _watermark = new WatermarkTracker(_processingTime ? WatermarkOptions.Default with { OutOfOrderness = null } : options.Watermark);

        int capacity = options.Capacity;
        _panes = new KeySlotTable<WindowKey<TKey>>(capacity);
        _paneAcc = new TAcc[capacity];
        _paneNext = new int[capacity];
        _groups = new PaneGroup[options.MaxOpenPanes];
        int panesPerWindow = (int)(_size / _slide);
        if (_tracksVersions)
        {
            int windows = (int)Math.Min((long)capacity * panesPerWindow, 1 << 27);
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
        _keyIds = new KeySlotTable<TKey>(keys);
        _paneKeyId = new int[capacity];
        _keyRefs = new int[keys];
        _newestPane = new NewestPane<TAcc>[keys];
        _gatherStamp = new int[keys];
        _gathered = new int[keys];
        _scratchAcc = new TAcc[keys];

        _paneDirty = new DirtySet(_emission == EmissionMode.EarlyEveryPeriod ? capacity : 0);
    }

    /// <summary>The sink (by reference: read or reset a struct sink's state).</summary>
    public ref TSink Sink => ref _sink;

    /// <summary>The options.</summary>
    public WindowOptions Options => _options;

    /// <inheritdoc/>
    public long Watermark => _watermark.Current;

    /// <summary>The watermark tracker: read it, or tell it about back-pressure; declare idle inputs through <see cref="MarkIdle"/>.</summary>
    public WatermarkTracker WatermarkTracker => _watermark;

    /// <summary>Events added to a pane (on time or allowed-late).</summary>
    public long EventsAccepted { get; private set; }

    /// <summary>Accepted events that were at or behind the watermark (they re-fired windows already fired).</summary>
    public long LateAccepted { get; private set; }

    /// <summary>Events sent to the late side output because every window they belong to was closed.</summary>
    public long LateDropped { get; private set; }

    /// <summary>Events sent to the late side output because the state was full.</summary>
    public long StateFullRejected { get; private set; }

    /// <summary>Results emitted (not counting the end marker).</summary>
    public long ResultsEmitted { get; private set; }

    /// <summary>Live (key, pane) entries.</summary>
    public int LiveEntries => _panes.Count;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void OnEvent(ref TEvent e) => OnEvent(ref e, 0);

    /// <inheritdoc/>
    public void OnEvent(ref TEvent e, int input)
    {
        long ts = _processingTime ? _now : _function.GetTimestamp(in e);
        long before = _watermark.Current;
        long paneStart = PaneStart(ts);

        // The last window holding this pane ends at paneStart + size; too late when even that one is purged.
        if (paneStart + _size - 1 <= SaturatingSubtract(before, _lateness))
        {
            Reject(in e, LateReason.WindowClosed, before);
        }
        else
        {
            Accept(in e, ts, paneStart, before);
        }

        if (!_processingTime)
        {
            if (input == 0)
            {
                _watermark.OnEvent(ts);
            }
            else
            {
                _watermark.OnEvent(input, ts);
            }

            if (s_punctuation is not null && s_punctuation(ref _function, in e, out long punctuated))
            {
                _watermark.OnWatermark(input, punctuated);
            }

            long after = _watermark.Current;
            if (after > before && after >= _wakeAt)
            {
                Advance(before, after);
            }
        }
    }

    /// <inheritdoc/>
    public void OnWatermark(long watermark, int input = 0)
    {
        long before = _watermark.Current;
        _watermark.OnWatermark(input, watermark);
        if (_watermark.Current > before)
        {
            Advance(before, _watermark.Current);
        }
    }

    /// <inheritdoc/>
    public void MarkIdle(int input)
    {
        long before = _watermark.Current;
        _watermark.MarkIdle(input);
        if (_watermark.Current > before)
        {
            Advance(before, _watermark.Current);
        }
    }

    /// <inheritdoc/>
    public void OnProcessingTime(long now)
    {
        if (now > _now)
        {
            _now = now;
        }

        long before = _watermark.Current;
        if (_processingTime)
        {
            _watermark.OnWatermark(0, _now - 1);
        }
        else
        {
            _watermark.OnProcessingTime(_now);
        }

        if (_watermark.Current > before)
        {
            Advance(before, _watermark.Current);
        }

        if (_emission == EmissionMode.EarlyEveryPeriod && _now >= _nextEarly)
        {
            _nextEarly = _nextEarly == long.MinValue ? _now + _options.EarlyPeriod : Math.Max(_nextEarly + _options.EarlyPeriod, _now);
            EmitEarly();
        }
    }

    /// <inheritdoc/>
    public void Drain()
    {
        if (_ended)
        {
            return;
        }

        long before = _watermark.Current;
        _watermark.AdvanceToEnd();
        Advance(before, Watermarks.EndOfStream);
        _ended = true;
        _sink.OnEndOfStream();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Accept(in TEvent e, long ts, long paneStart, long before)
    {
        ref TAcc accumulator = ref FindOrAddPane(in e, paneStart, out int slot);
        if (slot < 0)
        {
            RejectFull(in e, before);
            return;
        }

        _function.Add(ref accumulator, in e);
        EventsAccepted++;
        if (ts <= before)
        {
            LateAccepted++;
        }

        // The earliest window holding this pane ends at paneStart + slide: if it already fired, re-fire.
        if (paneStart + _slide - 1 <= before || _emission == EmissionMode.OnEveryUpdate)
        {
            EmitAfterUpdate(slot, paneStart, before);
        }
        else if (_emission == EmissionMode.EarlyEveryPeriod && !_paneDirty.Contains(slot))
        {
            _paneDirty.Mark(slot);
        }
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
        TKey key = _function.GetKey(in e);
        int id = _keyIds.Find(key);
        if (id >= 0)
        {
            ref NewestPane<TAcc> newest = ref _newestPane[id];
            if (newest.Start == paneStart && newest.Slot >= 0)
            {
                slot = newest.Slot;
                return ref newest.Acc;
            }
        }

        return ref FindOrAddPaneSlow(key, id, paneStart, out slot);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ref TAcc FindOrAddPaneSlow(TKey key, int id, long paneStart, out int slot)
    {
        KeySlotTable<TKey> keyIds = _keyIds;
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
        ref NewestPane<TAcc> newest = ref _newestPane[id];
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
        ref NewestPane<TAcc> newest = ref _newestPane[_paneKeyId[slot]];
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
        _newestPane[id].Slot = -1;
    }

    private void Reject(in TEvent e, LateReason reason, long watermark)
    {
        LateDropped++;
        _sink.OnLate(in e, reason, watermark);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RejectFull(in TEvent e, long watermark)
    {
        if (_options.WhenFull == TableFullPolicy.Throw)
        {
            throw new StateTableFullException($"The window state is full (WindowOptions.Capacity = {_options.Capacity}, MaxOpenPanes = {_options.MaxOpenPanes}).");
        }

        StateFullRejected++;
        _sink.OnLate(in e, LateReason.StateFull, watermark);
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
        _wakeAt = long.MinValue; // a new pane may hold an earlier window end: recompute at the next advance
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

    /// <summary>After an update of pane (key, paneStart): re-fire fired-but-alive windows, or (every-update) emit every alive window holding it.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void EmitAfterUpdate(int slot, long paneStart, long watermark)
    {
        TKey key = _panes.KeyAt(slot).Key;
        long purgedThrough = SaturatingSubtract(watermark, _lateness);
        for (long end = paneStart + _slide; end <= paneStart + _size; end += _slide)
        {
            if (end - 1 <= purgedThrough)
            {
                continue;
            }

            if (_emission != EmissionMode.OnEveryUpdate && end - 1 > watermark)
            {
                if (_emission == EmissionMode.EarlyEveryPeriod && !_paneDirty.Contains(slot))
                {
                    _paneDirty.Mark(slot);
                }

                continue;
            }

            TAcc value = MergeKey(key, end);
            EmitVersioned(key, end, in value, isFinal: false);
        }
    }

    /// <summary>The merge of <paramref name="key"/>'s panes in the window ending at <paramref name="end"/>.</summary>
    private TAcc MergeKey(TKey key, long end)
    {
        TAcc value = default;
        for (long p = end - _size; p < end; p += _slide)
        {
            int s = _panes.Find(new WindowKey<TKey>(key, p));
            if (s >= 0)
            {
                _function.Merge(ref value, in PaneAcc(s));
            }
        }

        return value;
    }

    private void EmitVersioned(TKey key, long end, in TAcc value, bool isFinal)
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

        int version = ++_windowVersion[w];
        _windowFinal[w] = isFinal;
        if (isFinal)
        {
            _windows.RemoveAt(w);
        }

        Emit(key, end, version, isFinal, in value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Emit(TKey key, long end, int version, bool isFinal, in TAcc value)
    {
        _result.Key = key;
        _result.Start = end - _size;
        _result.End = end;
        _result.Version = version;
        _result.IsFinal = isFinal;
        _result.IsEndOfStream = false;
        _result.Value = value;
        ResultsEmitted++;
        _sink.OnResult(in _result);
    }

    /// <summary>The watermark moved from <paramref name="before"/> to <paramref name="after"/>: fire, then purge.</summary>
    private void Advance(long before, long after)
    {
        // The watermark moves on almost every event; windows end once per slide. Below _wakeAt nothing can
        // fire, purge or die, so the common case is this one compare.
        if (after < _wakeAt || _groupCount == 0)
        {
            return;
        }

        if (_emission != EmissionMode.OnEveryUpdate)
        {
            // Fire every window with before < end − 1 ≤ after.
            long end = AlignedEndAbove(before);
            while (NextWindowWithData(ref end, out int first) && end - 1 <= after)
            {
                bool isFinal = end - 1 <= SaturatingSubtract(after, _lateness);
                Fire(end, first, isFinal);
                if (!TryStep(ref end))
                {
                    break;
                }
            }
        }

        if (_tracksVersions)
        {
            // Purge every window with before < end − 1 + L ≤ after: a final result if the last was not final.
            long purgeAfter = SaturatingSubtract(after, _lateness);
            long end = AlignedEndAbove(SaturatingSubtract(before, _lateness));
            while (NextWindowWithData(ref end, out int first) && end - 1 <= purgeAfter)
            {
                PurgeWindow(end, first);
                if (!TryStep(ref end))
                {
                    break;
                }
            }
        }

        RemoveDeadPanes(after);
        _wakeAt = NextWake(after);
    }

    /// <summary>The lowest watermark at which a window with data fires or purges, or a pane dies.</summary>
    private long NextWake(long watermark)
    {
        if (_groupCount == 0)
        {
            return long.MaxValue; // the next new pane resets it
        }

        long wake = SaturatingAdd(_groups[0].Start + _size - 1, _lateness);
        if (_emission != EmissionMode.OnEveryUpdate)
        {
            long end = AlignedEndAbove(watermark);
            if (NextWindowWithData(ref end, out _))
            {
                wake = Math.Min(wake, end - 1);
            }
        }

        if (_tracksVersions)
        {
            long end = AlignedEndAbove(SaturatingSubtract(watermark, _lateness));
            if (NextWindowWithData(ref end, out _))
            {
                wake = Math.Min(wake, SaturatingAdd(end - 1, _lateness));
            }
        }

        return wake;
    }

    /// <summary>The start of the pane holding <paramref name="ts"/>; events mostly land in the newest pane, so its bounds are cached (no division).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private long PaneStart(long ts)
    {
        long cached = _cachedPaneStart;
        if ((ulong)(ts - cached) < (ulong)_slide && cached != long.MinValue)
        {
            return cached;
        }

        long start = ts - FloorMod(ts - _offset, _slide);
        _cachedPaneStart = start;
        return start;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long SaturatingAdd(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryStep(ref long end)
    {
        if (end > long.MaxValue - _slide)
        {
            return false;
        }

        end += _slide;
        return true;
    }

    /// <summary>Moves <paramref name="end"/> forward to the first window end ≥ it that covers a live pane.</summary>
    private bool NextWindowWithData(ref long end, out int first)
    {
        first = LowerBound(SaturatingSubtract(end, _size));
        if (first == _groupCount)
        {
            return false;
        }

        long start = _groups[first].Start;
        if (start >= end)
        {
            end = start + _slide; // pane starts are aligned, so this is the first window end holding it
        }

        return true;
    }

    private long AlignedEndAbove(long watermark)
    {
        // Smallest aligned end with end − 1 > watermark, i.e. end ≥ watermark + 2.
        long x = watermark > long.MinValue + 2 ? watermark + 2 : long.MinValue + 2;
        long pad = FloorMod(FloorMod(_offset, _slide) - FloorMod(x, _slide), _slide); // no overflow near long.MinValue
        return x > long.MaxValue - pad ? long.MaxValue : x + pad;
    }

    private void Fire(long end, int first, bool isFinal)
    {
        if (_tumbling)
        {
            for (int s = _groups[first].Head; s >= 0; s = _paneNext[s])
            {
                TKey key = _panes.KeyAt(s).Key;
                if (_tracksVersions)
                {
                    EmitVersioned(key, end, in PaneAcc(s), isFinal);
                }
                else
                {
                    Emit(key, end, 1, isFinal, in PaneAcc(s));
                }
            }

            return;
        }

        int keys = Gather(end, first);
        for (int k = 0; k < keys; k++)
        {
            int id = _gathered[k];
            TKey key = _keyIds.KeyAt(id);
            if (_tracksVersions)
            {
                EmitVersioned(key, end, in _scratchAcc[id], isFinal);
            }
            else
            {
                Emit(key, end, 1, isFinal, in _scratchAcc[id]);
            }
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
                    Emit(key, end, version, true, in _scratchAcc[id]);
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
            for (int s = _groups[g].Head; s >= 0; s = _paneNext[s])
            {
                int id = _paneKeyId[s];
                if (_gatherStamp[id] != round)
                {
                    _gatherStamp[id] = round;
                    _scratchAcc[id] = PaneAcc(s);
                    _gathered[count++] = id;
                }
                else
                {
                    _function.Merge(ref _scratchAcc[id], in PaneAcc(s));
                }
            }
        }

        return count;
    }

    /// <summary>Gives the key of a new pane its dense id (shared by all the key's panes).</summary>
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
        if (_newestPane[id].Slot == slot)
        {
            _newestPane[id].Slot = -1;
        }

        if (--_keyRefs[id] == 0)
        {
            _keyIds.RemoveAt(id);
        }
    }

    /// <summary>Frees every pane whose last window (ending at start + size) is purged.</summary>
    private void RemoveDeadPanes(long watermark)
    {
        long purgedThrough = SaturatingSubtract(watermark, _lateness);
        int dead = 0;
        while (dead < _groupCount && _groups[dead].Start + _size - 1 <= purgedThrough)
        {
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

    /// <summary>Early round: one non-final result per not-yet-fired window whose panes changed since the last round.</summary>
    private void EmitEarly()
    {
        _earlyRound++;
        long watermark = _watermark.Current;
        for (int i = 0; i < _paneDirty.Count; i++)
        {
            int slot = _paneDirty.LiveAt(i);
            if (slot < 0)
            {
                continue;
            }

            _paneDirty.Unmark(slot);
            WindowKey<TKey> pane = _panes.KeyAt(slot);
            for (long end = pane.Time + _slide; end <= pane.Time + _size; end += _slide)
            {
                if (end - 1 <= watermark)
                {
                    continue;
                }

                int w = _windows!.GetOrAdd(new WindowKey<TKey>(pane.Key, end), out bool added);
                if (added)
                {
                    _windowVersion[w] = 0;
                    _windowFinal[w] = false;
                    _windowEarlyRound[w] = 0;
                }

                if (_windowEarlyRound[w] == _earlyRound)
                {
                    continue;
                }

                _windowEarlyRound[w] = _earlyRound;
                TAcc value = MergeKey(pane.Key, end);
                _windowVersion[w]++;
                Emit(pane.Key, end, _windowVersion[w], false, in value);
            }
        }

        _paneDirty.EndRound();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long FloorMod(long x, long m)
    {
        long r = x % m;
        return r < 0 ? r + m : r;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long SaturatingSubtract(long a, long b) => a < long.MinValue + b ? long.MinValue : a - b;

    private string Identity =>
        $"TimeWindowOperator/{typeof(TKey).FullName}/{typeof(TAcc).FullName}/{Unsafe.SizeOf<TKey>()}/{Unsafe.SizeOf<TAcc>()}/size={_size}/slide={_slide}/offset={_offset}/lateness={_lateness}/emission={_emission}/domain={_options.TimeDomain}/inputs={_watermark.Inputs}";

    /// <inheritdoc/>
    public void WriteSnapshot(Stream destination)
    {
        using var body = new MemoryStream();
        using (var writer = new BinaryWriter(body, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            _watermark.Write(writer);
            writer.Write(_now);
            writer.Write(_ended);
            writer.Write(_nextEarly);
            writer.Write(EventsAccepted);
            writer.Write(LateAccepted);
            writer.Write(LateDropped);
            writer.Write(StateFullRejected);
            writer.Write(ResultsEmitted);
            writer.Write(_groupCount);
            for (int g = 0; g < _groupCount; g++)
            {
                writer.Write(_groups[g].Start);
                writer.Write(_groups[g].Count);
                for (int s = _groups[g].Head; s >= 0; s = _paneNext[s])
                {
                    TKey key = _panes.KeyAt(s).Key;
                    writer.Write(MemoryMarshal.AsBytes(new ReadOnlySpan<TKey>(in key)));
                    writer.Write(MemoryMarshal.AsBytes(new ReadOnlySpan<TAcc>(in PaneAcc(s))));
                }
            }

            // Dirty panes in round order: the order of the next early round's results.
            var order = new List<int>();
            for (int i = 0; i < _paneDirty.Count; i++)
            {
                int slot = _paneDirty.LiveAt(i);
                if (slot >= 0)
                {
                    order.Add(slot);
                }
            }

            writer.Write(order.Count);
            foreach (int s in order)
            {
                {
                    WindowKey<TKey> pane = _panes.KeyAt(s);
                    TKey key = pane.Key;
                    writer.Write(MemoryMarshal.AsBytes(new ReadOnlySpan<TKey>(in key)));
                    writer.Write(pane.Time);
                }
            }

            int windows = _windows?.Count ?? 0;
            writer.Write(windows);
            if (_windows is not null)
            {
                for (int w = 0; w < _windows.HighWater; w++)
                {
                    if (!_windows.IsOccupied(w))
                    {
                        continue;
                    }

                    WindowKey<TKey> wk = _windows.KeyAt(w);
                    TKey key = wk.Key;
                    writer.Write(MemoryMarshal.AsBytes(new ReadOnlySpan<TKey>(in key)));
                    writer.Write(wk.Time);
                    writer.Write(_windowVersion[w]);
                    writer.Write(_windowFinal[w]);
                }
            }
        }

        SnapshotCodec.Write(destination, Identity, body.GetBuffer().AsSpan(0, (int)body.Length));
    }

    /// <inheritdoc/>
    public void RestoreSnapshot(Stream source)
    {
        byte[] raw = SnapshotCodec.Read(source, Identity);
        try
        {
            using var reader = new BinaryReader(new MemoryStream(raw, writable: false));
            ClearState();
            _watermark.Read(reader);
            _now = reader.ReadInt64();
            _ended = reader.ReadBoolean();
            _nextEarly = reader.ReadInt64();
            EventsAccepted = reader.ReadInt64();
            LateAccepted = reader.ReadInt64();
            LateDropped = reader.ReadInt64();
            StateFullRejected = reader.ReadInt64();
            ResultsEmitted = reader.ReadInt64();
            int groups = reader.ReadInt32();
            if (groups < 0 || groups > _groups.Length)
            {
                throw new SnapshotFormatException($"The snapshot holds {groups} pane starts; this operator holds at most {_groups.Length} (WindowOptions.MaxOpenPanes).");
            }

            Span<byte> keyBytes = stackalloc byte[Unsafe.SizeOf<TKey>()];
            for (int g = 0; g < groups; g++)
            {
                long start = reader.ReadInt64();
                int count = reader.ReadInt32();
                for (int i = 0; i < count; i++)
                {
                    reader.BaseStream.ReadExactly(keyBytes);
                    TKey key = MemoryMarshal.Read<TKey>(keyBytes);
                    int slot = _panes.GetOrAdd(new WindowKey<TKey>(key, start), out bool added);
                    if (slot < 0 || !added || !Link(slot, start))
                    {
                        throw new SnapshotFormatException("The snapshot's pane entries do not fit this operator (WindowOptions.Capacity) or repeat a key.");
                    }

                    reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(new Span<TAcc>(ref _paneAcc[slot])));
                    AssignKeyId(slot); // after the accumulator: the newest pane takes it inline
                }
            }

            int dirty = reader.ReadInt32();
            for (int i = 0; i < dirty; i++)
            {
                reader.BaseStream.ReadExactly(keyBytes);
                TKey key = MemoryMarshal.Read<TKey>(keyBytes);
                int slot = _panes.Find(new WindowKey<TKey>(key, reader.ReadInt64()));
                if (slot < 0 || !_paneDirty.IsEnabled || _paneDirty.Contains(slot))
                {
                    throw new SnapshotFormatException("The snapshot's changed-pane list names a pane it does not hold.");
                }

                _paneDirty.Mark(slot);
            }

            int windows = reader.ReadInt32();
            for (int i = 0; i < windows; i++)
            {
                reader.BaseStream.ReadExactly(keyBytes);
                TKey key = MemoryMarshal.Read<TKey>(keyBytes);
                long end = reader.ReadInt64();
                int version = reader.ReadInt32();
                bool final = reader.ReadBoolean();
                int w = _windows is null ? -1 : _windows.GetOrAdd(new WindowKey<TKey>(key, end), out _);
                if (w < 0)
                {
                    throw new SnapshotFormatException("The snapshot's window versions do not fit this operator.");
                }

                _windowVersion[w] = version;
                _windowFinal[w] = final;
                _windowEarlyRound[w] = 0;
            }

            if (reader.BaseStream.Position != raw.Length)
            {
                throw new SnapshotFormatException("The snapshot body has trailing bytes: it is corrupt.");
            }
        }
        catch (EndOfStreamException ex)
        {
            ClearState();
            throw new SnapshotFormatException("The snapshot body ends early: it is corrupt.", ex);
        }
        catch (SnapshotFormatException)
        {
            ClearState();
            throw;
        }
    }

    private void ClearState()
    {
        _panes.Clear();
        _windows?.Clear();
        _keyIds.Clear();
        _groupCount = 0;
        _paneDirty.Clear();

        _earlyRound = 0;
        _wakeAt = long.MinValue;
    }
}

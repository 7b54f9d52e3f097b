using System.Runtime.CompilerServices;
using LowLatency.Engine.State;
using LowLatency.Engine.Time;

namespace LowLatency.Engine.Windowing;

/// <summary>
/// Keyed session windows in event time (DESIGN.md §4): each event opens <c>[ts, ts + gap)</c>; sessions of a
/// key that overlap or touch merge, including when a late event bridges two sessions. Watermarks, allowed
/// lateness, late side output and emission modes as for <see cref="TimeWindowOperator{TEvent, TKey, TAcc, TFunction, TSink}"/>.
/// </summary>
/// <remarks>
/// <para>Sessions live in a pre-sized node pool, linked per key in start order (a key rarely has more than a
/// few open sessions); a key table maps each key to its first session. One indexed heap orders every session
/// by its next action time: <c>end − 1</c> (fire) until fired, then <c>end − 1 + L</c> (purge).</para>
/// <para>When sessions merge, the merged session keeps the earliest start, the latest end and the highest
/// version of its parts; the parts are superseded and emit nothing more. If the merged session has already
/// fired it re-fires right after the event, with the next version.</para>
/// <para>Order: sessions due at one watermark act in (action time, age) order. An event at a time whose session
/// would end after <see cref="long.MaxValue"/> (<c>ts &gt; long.MaxValue − gap</c>) is refused as
/// <see cref="LateReason.TimestampOutOfRange"/>.</para>
/// </remarks>
/// <typeparam name="TEvent">The input event.</typeparam>
/// <typeparam name="TKey">The key.</typeparam>
/// <typeparam name="TAcc">The accumulator.</typeparam>
/// <typeparam name="TFunction">Time, key and aggregation of an event.</typeparam>
/// <typeparam name="TSink">Where results, late events and the end marker go.</typeparam>
public sealed partial class SessionWindowOperator<TEvent, TKey, TAcc, TFunction, TSink> : WindowOperator<TEvent, TKey, TAcc, TFunction, TSink>
    where TEvent : struct
    where TKey : unmanaged, IEquatable<TKey>
    where TAcc : unmanaged
    where TFunction : struct, IWindowFunction<TEvent, TKey, TAcc>
    where TSink : struct, IWindowSink<TEvent, TKey, TAcc>
{
    private readonly long _gap;
    private readonly EmissionMode _emission;

    private readonly KeySlotTable<TKey> _keys;
    private readonly int[] _keyHead;      // key slot → first session node (by start)

    private readonly long[] _start;       // node → session start
    private readonly long[] _end;         // node → session end (exclusive)
    private readonly TAcc[] _acc;
    private readonly int[] _version;
    private readonly bool[] _lastFinal;
    private readonly int[] _next;         // node → next session of the same key, or free-list link
    private readonly int[] _keySlot;      // node → key slot
    private readonly long[] _born;        // node → creation order (heap tie-break: deterministic)
    private readonly DirtySet _dirty;     // early mode: sessions changed since the last early round
    private int _freeHead = -1;
    private int _highWater;
    private int _live;
    private long _bornCounter;
    private readonly IndexedMinHeap _timers;
    private long _merges;

    /// <summary>Creates the operator; <paramref name="options"/> (Kind Session) is validated here.</summary>
    public SessionWindowOperator(WindowOptions options, TFunction function = default, TSink sink = default)
        : base(Validated(options), function, sink, processingTime: false, long.MinValue, long.MaxValue - options.Gap)
    {
        _gap = options.Gap;
        _emission = options.Emission;
        int capacity = options.Capacity;
        _keys = new KeySlotTable<TKey>(capacity);
        _keyHead = new int[capacity];
        _start = new long[capacity];
        _end = new long[capacity];
        _acc = new TAcc[capacity];
        _version = new int[capacity];
        _lastFinal = new bool[capacity];
        _next = new int[capacity];
        _keySlot = new int[capacity];
        _born = new long[capacity];
        _dirty = new DirtySet(_emission == EmissionMode.EarlyEveryPeriod ? capacity : 0);
        _timers = new IndexedMinHeap(capacity);
    }

    /// <summary>Session merges (two or more sessions became one).</summary>
    public long Merges => _merges;

    /// <summary>Open sessions.</summary>
    public int LiveSessions => _live;

    /// <inheritdoc/>
    public override void OnEvent(ref TEvent e, int input, long sequence)
    {
        _core.Sequence = sequence;
        long ts = _core.Function.GetTimestamp(in e);
        long before = _core.Watermark;
        if (!_core.InRange(ts))
        {
            _core.Refuse(in e, LateReason.TimestampOutOfRange, before);
            return;
        }

        Assign(in e, ts, before);
        if (_core.AfterEvent(in e, ts, input, before))
        {
            Advance(before, _core.Watermark);
        }
    }

    /// <summary>Early round: one non-final result per open, not-yet-fired session that changed since the last round.</summary>
    private protected override void EmitEarly()
    {
        long fireBound = WindowBounds.FireBound(_core.Watermark);
        for (int i = 0; i < _dirty.Count; i++)
        {
            int n = _dirty.LiveAt(i);
            if (n >= 0)
            {
                _dirty.Unmark(n);
                if (_end[n] > fireBound)
                {
                    Emit(n, PaneTiming.Early, isFinal: false);
                }
            }
        }

        _dirty.EndRound();
    }

    private static WindowOptions Validated(WindowOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (options.Kind != WindowKind.Session)
        {
            ThrowHelper.ThrowOption("WindowOptions.Kind", options.Kind, "SessionWindowOperator runs Session windows; use TimeWindowOperator.");
        }

        if (options.TimeDomain != TimeDomain.EventTime)
        {
            ThrowHelper.ThrowOption("WindowOptions.TimeDomain", options.TimeDomain, "session windows run in event time.");
        }

        return options;
    }

    private void Assign(in TEvent e, long ts, long before)
    {
        TKey key = _core.Function.GetKey(in e);
        long start = ts;
        long end = ts + _gap; // in range: ts ≤ long.MaxValue − gap
        int k = _keys.Find(key);

        // Sessions of the key that overlap or touch [start, end), in start order: a contiguous run of the list.
        int first = -1;
        int count = 0;
        long mStart = start;
        long mEnd = end;
        if (k >= 0)
        {
            for (int n = _keyHead[k]; n >= 0 && _start[n] <= end; n = _next[n])
            {
                if (start <= _end[n])
                {
                    if (first < 0)
                    {
                        first = n;
                    }

                    count++;
                    mStart = Math.Min(mStart, _start[n]);
                    mEnd = Math.Max(mEnd, _end[n]);
                }
            }
        }

        if (mEnd <= _core.PurgeBound(before))
        {
            _core.Refuse(in e, LateReason.WindowClosed, before);
            return;
        }

        int target;
        if (first >= 0)
        {
            target = first;
            _start[target] = mStart;
            _end[target] = mEnd;
            if (count > 1)
            {
                MergeInto(target, count);
                SetTimer(target, mEnd - 1 > before ? mEnd - 1 : _core.PurgeAt(mEnd));
            }
        }
        else
        {
            target = NewSession(key, ref k, start, end);
            if (target < 0)
            {
                _core.RefuseFull(in e, Options, before);
                return;
            }
        }

        _core.Function.Add(ref _acc[target], in e);
        _core.Accepted(ts, before);
        bool fired = _end[target] <= WindowBounds.FireBound(before);
        Schedule(target, before);
        if (fired || _emission == EmissionMode.OnEveryUpdate)
        {
            Emit(target, fired ? PaneTiming.Late : PaneTiming.Early, isFinal: false);
        }
        else if (_emission == EmissionMode.EarlyEveryPeriod && !_dirty.Contains(target))
        {
            _dirty.Mark(target);
        }
    }

    /// <summary>Folds the <paramref name="count"/> − 1 sessions after <paramref name="target"/> in its key's list into it.</summary>
    private void MergeInto(int target, int count)
    {
        _merges++;
        for (int i = 1; i < count; i++)
        {
            int n = _next[target];
            _core.Function.Merge(ref _acc[target], in _acc[n]);
            _version[target] = Math.Max(_version[target], _version[n]);
            _born[target] = Math.Min(_born[target], _born[n]);
            if (_dirty.Contains(n))
            {
                _dirty.Unmark(n);
                if (!_dirty.Contains(target))
                {
                    _dirty.Mark(target);
                }
            }

            _next[target] = _next[n];
            Free(n);
        }
    }

    private int NewSession(TKey key, ref int k, long start, long end)
    {
        int n;
        if (_freeHead >= 0)
        {
            n = _freeHead;
            _freeHead = _next[n];
        }
        else if (_highWater < _start.Length)
        {
            n = _highWater++;
        }
        else
        {
            return -1;
        }

        if (k < 0)
        {
            k = _keys.GetOrAdd(key, out _);
            if (k < 0 && SweepIdleKeys() > 0)
            {
                k = _keys.GetOrAdd(key, out _);
            }

            if (k < 0)
            {
                _next[n] = _freeHead;
                _freeHead = n;
                return -1;
            }

            _keyHead[k] = -1;
        }

        _start[n] = start;
        _end[n] = end;
        _acc[n] = default;
        _version[n] = 0;
        _lastFinal[n] = false;
        _keySlot[n] = k;
        _born[n] = _bornCounter++;
        _dirty.Unmark(n);
        _live++;

        // Insert in start order; sessions of one key are disjoint, so start order is also end order.
        int prev = -1;
        int cur = _keyHead[k];
        while (cur >= 0 && _start[cur] < start)
        {
            prev = cur;
            cur = _next[cur];
        }

        _next[n] = cur;
        if (prev < 0)
        {
            _keyHead[k] = n;
        }
        else
        {
            _next[prev] = n;
        }

        return n;
    }

    /// <summary>Returns a merged-away or purged node to the pool (already unlinked from its key's list).</summary>
    private void Free(int n)
    {
        _timers.Remove(n);
        _dirty.Unmark(n);
        _acc[n] = default;
        _next[n] = _freeHead;
        _freeHead = n;
        _live--;
    }

    private void Remove(int n)
    {
        int k = _keySlot[n];
        int prev = -1;
        for (int cur = _keyHead[k]; cur != n; cur = _next[cur])
        {
            prev = cur;
        }

        if (prev < 0)
        {
            _keyHead[k] = _next[n];
        }
        else
        {
            _next[prev] = _next[n];
        }

        // A key without sessions keeps its entry (most keys come back soon); SweepIdleKeys frees them when the table fills.
        Free(n);
    }

    /// <summary>Frees the entries of keys that have no open session; returns how many.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private int SweepIdleKeys()
    {
        int freed = 0;
        for (int k = 0; k < _keys.HighWater; k++)
        {
            if (_keys.IsOccupied(k) && _keyHead[k] < 0)
            {
                _keys.RemoveAt(k);
                freed++;
            }
        }

        return freed;
    }

    /// <summary>
    /// Queues a session at its next action time, or moves it earlier. A session's queued time is only ever a
    /// lower bound: sessions grow on almost every event, and instead of re-sifting the heap each time,
    /// <see cref="Advance"/> re-queues a session whose real time is later when it surfaces.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Schedule(int n, long watermark)
    {
        long fireAt = _end[n] - 1;
        long at = fireAt > watermark ? fireAt : _core.PurgeAt(_end[n]);
        if (!_timers.Contains(n) || at < _timers.TimeOf(n))
        {
            SetTimer(n, at);
        }
    }

    /// <summary>Queues session <paramref name="n"/> at <paramref name="at"/>; the advance gate opens no later than that.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void SetTimer(int n, long at)
    {
        _timers.Set(n, at, _born[n]);
        if (at < _core.WakeAt)
        {
            _core.WakeAt = at;
        }
    }

    private protected override void Advance(long before, long after)
    {
        while (_timers.TryPeek(out int n, out long at) && at <= after)
        {
            long fireAt = _end[n] - 1;
            long purgeAt = _core.PurgeAt(_end[n]);
            long due = fireAt > before ? fireAt : purgeAt;
            if (due != at)
            {
                // Grew since it was queued: re-queue at its real time, so sessions act in (time, age) order.
                _timers.Set(n, due, _born[n]);
                continue;
            }

            bool purge = purgeAt <= after;
            if (fireAt > before)
            {
                Emit(n, PaneTiming.OnTime, purge); // on time, in every emission mode
            }
            else if (purge && !_lastFinal[n] && _version[n] > 0)
            {
                Emit(n, PaneTiming.Late, isFinal: true);
            }

            if (purge)
            {
                Remove(n);
            }
            else
            {
                _timers.Set(n, purgeAt, _born[n]);
            }
        }

        _core.WakeAt = _timers.TryPeek(out _, out long next) ? next : long.MaxValue;
    }

    private void Emit(int n, PaneTiming timing, bool isFinal)
    {
        _version[n]++;
        _lastFinal[n] = isFinal;
        _core.Emit(_keys.KeyAt(_keySlot[n]), _start[n], _end[n], _version[n], timing, isFinal, in _acc[n]);
    }
}

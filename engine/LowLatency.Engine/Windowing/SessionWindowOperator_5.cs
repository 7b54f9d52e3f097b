using System.Diagnostics;
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
/// <para>Sessions live in a pre-sized pool of <see cref="SessionNode{TKey, TAcc}"/> entries, linked per key in start order
/// (a key rarely has more than a few open sessions); a key table maps each key to its first session, kept beside the
/// key's bucket, so the common event (it extends its key's only session) costs one table probe and one node. A
/// calendar queue (<see cref="CalendarQueue{TEntry}"/>) threaded through the nodes orders every session by its next action time: <c>end − 1</c> (fire) until fired, then
/// <c>end − 1 + L</c> (purge). An event that extends a session moves its timer at once, while the node is in cache:
/// the move writes only the node and its bucket neighbours, so a due bucket's walk reads each session once, when it acts
/// (moving timers lazily, when their first bucket came due, visited each session about twice).</para>
/// <para>When sessions merge, the merged session keeps the earliest start, the latest end and the highest
/// version of its parts; the parts are superseded and emit nothing more. If the merged session has already
/// fired it re-fires right after the event, with the next version.</para>
/// <para>Order: sessions due at one watermark act in (action time, age) order. An event at a time whose session
/// would end after <see cref="long.MaxValue"/> (<c>ts &gt; long.MaxValue − gap</c>) is refused as
/// <see cref="LateReason.TimestampOutOfRange"/>.</para>
/// </remarks>
/// <inheritdoc cref="WindowOperator{TEvent, TKey, TAcc, TFunction, TSink}" path="/typeparam"/>
public sealed partial class SessionWindowOperator<TEvent, TKey, TAcc, TFunction, TSink> : WindowOperator<TEvent, TKey, TAcc, TFunction, TSink>
    where TEvent : struct
    where TKey : unmanaged, IEquatable<TKey>
    where TAcc : unmanaged
    where TFunction : struct, IWindowFunction<TEvent, TKey, TAcc>
    where TSink : struct, IWindowSink<TEvent, TKey, TAcc>
{
    private const int PrefetchDistance = 8; // events between a key's prefetch and its lookup

    private readonly long _gap;

    private readonly KeySlotTable<TKey, int> _keys;  // key → slot, and its first session node (by start)
    private readonly SessionNode<TKey, TAcc>[] _nodes;
    private readonly DirtySet _dirty;     // early mode: sessions changed since the last early round
    private int _freeHead = -1;
    private int _highWater;
    private int _live;
    private long _bornCounter;
    private readonly CalendarQueue<SessionNode<TKey, TAcc>> _timers;
    private long _merges;

    /// <summary>Creates the operator; <paramref name="options"/> (Kind Session) is validated here.</summary>
    public SessionWindowOperator(WindowOptions options, TFunction function = default, TSink sink = default)
        : base(Validated(options), function, sink, processingTime: false, long.MinValue, long.MaxValue - options.Gap)
    {
        _gap = options.Gap;
        int capacity = options.Capacity;
        _keys = new KeySlotTable<TKey, int>(Math.Min(options.KeyCapacity ?? capacity, capacity));
        _nodes = new SessionNode<TKey, TAcc>[capacity];
        _dirty = new DirtySet(_emission == EmissionMode.EarlyEveryPeriod ? capacity : 0);
        _timers = new CalendarQueue<SessionNode<TKey, TAcc>>(_nodes, Math.Max(1, _gap / 256)); // timers are set about a gap ahead: a lap of 1024 buckets spans 4 gaps
    }

    /// <summary>Session merges (two or more sessions became one).</summary>
    public long Merges => _merges;

    /// <summary>Open sessions.</summary>
    public int LiveSessions => _live;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into a caller's loop; Assign and Advance are calls
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

    /// <summary>Handles the events of <paramref name="batch"/> in order (sequences from <paramref name="firstSequence"/>), each key's table entry prefetched a few events ahead.</summary>
    public override void OnBatch(Span<TEvent> batch, int input, long firstSequence)
    {
        for (int i = 0; i < batch.Length; i++)
        {
            if (i + PrefetchDistance < batch.Length)
            {
                _keys.Prefetch(_core.Function.GetKey(in batch[i + PrefetchDistance]));
            }

            OnEvent(ref batch[i], input, firstSequence + i);
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
                if (_nodes[n].End > fireBound)
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
        ref int head = ref _keys.FindValue(key, out int k);

        // Sessions of the key that overlap or touch [start, end), in start order: a contiguous run of the list.
        int first = -1;
        int count = 0;
        long mStart = start;
        long mEnd = end;
        if (k >= 0)
        {
            for (int n = head; n >= 0 && _nodes[n].Start <= end; n = _nodes[n].Next)
            {
                ref SessionNode<TKey, TAcc> node = ref _nodes[n];
                if (start <= node.End)
                {
                    if (first < 0)
                    {
                        first = n;
                    }

                    count++;
                    mStart = Math.Min(mStart, node.Start);
                    mEnd = Math.Max(mEnd, node.End);
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
            _nodes[target].Start = mStart;
            _nodes[target].End = mEnd;
            if (count > 1)
            {
                MergeInto(target, count); // its timer moves with the Schedule below, as any grown session's
            }
        }
        else
        {
            target = NewSession(key, k, start, end);
            if (target < 0)
            {
                _core.RefuseFull(in e, Options, before);
                return;
            }
        }

        ref SessionNode<TKey, TAcc> session = ref _nodes[target];
        _core.Function.Add(ref session.Acc, in e);
        _core.Accepted(ts, before);
        bool fired = session.End <= WindowBounds.FireBound(before);
        Schedule(ref session, target, before);
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
        ref SessionNode<TKey, TAcc> merged = ref _nodes[target];
        for (int i = 1; i < count; i++)
        {
            int n = merged.Next;
            ref SessionNode<TKey, TAcc> part = ref _nodes[n];
            _core.Function.Merge(ref merged.Acc, in part.Acc);
            merged.Version = Math.Max(merged.Version, part.Version);
            merged.Born = Math.Min(merged.Born, part.Born);
            if (_dirty.Contains(n))
            {
                _dirty.Unmark(n);
                if (!_dirty.Contains(target))
                {
                    _dirty.Mark(target);
                }
            }

            merged.Next = part.Next;
            Free(n);
        }
    }

    /// <summary>A new session of <paramref name="key"/> (key slot <paramref name="k"/>, -1: not in the table), linked in start order; -1 when full.</summary>
    private int NewSession(TKey key, int k, long start, long end)
    {
        int n;
        if (_freeHead >= 0)
        {
            n = _freeHead;
            _freeHead = _nodes[n].Next;
        }
        else if (_highWater < _nodes.Length)
        {
            n = _highWater++;
        }
        else
        {
            return -1;
        }

        if (k < 0)
        {
            k = _keys.GetOrAdd(key, static head => head < 0);
            if (k < 0)
            {
                _nodes[n].Next = _freeHead;
                _freeHead = n;
                return -1;
            }

            _keys.ValueAt(k) = -1;
        }

        _nodes[n] = new SessionNode<TKey, TAcc>
        {
            Start = start,
            End = end,
            Born = _bornCounter++,
            KeySlot = k,
            Key = key,
        };
        _dirty.Unmark(n);
        _live++;

        // Insert in start order; sessions of one key are disjoint, so start order is also end order.
        ref int head = ref _keys.ValueAt(k);
        int prev = -1;
        int cur = head;
        while (cur >= 0 && _nodes[cur].Start < start)
        {
            prev = cur;
            cur = _nodes[cur].Next;
        }

        _nodes[n].Next = cur;
        if (prev < 0)
        {
            head = n;
        }
        else
        {
            _nodes[prev].Next = n;
        }

        return n;
    }

    /// <summary>Returns a merged-away or purged node to the pool (already unlinked from its key's list).</summary>
    private void Free(int n)
    {
        _timers.Remove(n);
        _dirty.Unmark(n);
        _nodes[n].Acc = default;
        _nodes[n].Next = _freeHead;
        _freeHead = n;
        _live--;
    }

    private void Remove(int n)
    {
        ref int head = ref _keys.ValueAt(_nodes[n].KeySlot);
        int prev = -1;
        for (int cur = head; cur != n; cur = _nodes[cur].Next)
        {
            prev = cur;
        }

        if (prev < 0)
        {
            head = _nodes[n].Next;
        }
        else
        {
            _nodes[prev].Next = _nodes[n].Next;
        }

        // A key without sessions keeps its entry (most keys come back soon); the key table drops them when it fills.
        Free(n);
    }

    /// <summary>Queues a session at its next action time, or moves it there (it grew): a queued time is exact.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Schedule(ref SessionNode<TKey, TAcc> session, int n, long watermark)
    {
        long fireAt = session.End - 1;
        long at = fireAt > watermark ? fireAt : _core.PurgeAt(session.End);
        if (!session.Timer.IsQueued || at != session.QueuedAt)
        {
            SetTimer(n, at);
        }
    }

    /// <summary>Queues session <paramref name="n"/> at <paramref name="at"/>; the advance gate opens no later than that (an advance resets it when it ends).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void SetTimer(int n, long at)
    {
        ref SessionNode<TKey, TAcc> session = ref _nodes[n];
        session.QueuedAt = at;
        _timers.Set(n);
        if (at < _core.WakeAt)
        {
            _core.WakeAt = at;
        }
    }

    private protected override void Advance(long before, long after)
    {
        while (_timers.TryPeekDue(after, out int n, out long at))
        {
            ref SessionNode<TKey, TAcc> session = ref _nodes[n];
            long fireAt = session.End - 1;
            long purgeAt = _core.PurgeAt(session.End);
            Debug.Assert(at == (fireAt > before ? fireAt : purgeAt), "a queued time is exact");
            bool purge = purgeAt <= after;
            if (fireAt > before)
            {
                Emit(n, PaneTiming.OnTime, purge); // on time, in every emission mode
            }
            else if (purge && !session.LastFinal && session.Version > 0)
            {
                Emit(n, PaneTiming.Late, isFinal: true);
            }

            if (purge)
            {
                Remove(n);
            }
            else
            {
                SetTimer(n, purgeAt);
            }
        }

        _core.WakeAt = _timers.NextDue;
    }

    private void Emit(int n, PaneTiming timing, bool isFinal)
    {
        ref SessionNode<TKey, TAcc> session = ref _nodes[n];
        session.Version++;
        session.LastFinal = isFinal;
        _core.Emit(session.Key, session.Start, session.End, session.Version, timing, isFinal, in session.Acc);
    }
}

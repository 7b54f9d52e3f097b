using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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
/// </remarks>
/// <typeparam name="TEvent">The input event.</typeparam>
/// <typeparam name="TKey">The key.</typeparam>
/// <typeparam name="TAcc">The accumulator.</typeparam>
/// <typeparam name="TFunction">Time, key and aggregation of an event.</typeparam>
/// <typeparam name="TSink">Where results, late events and the end marker go.</typeparam>
public sealed class SessionWindowOperator<TEvent, TKey, TAcc, [DynamicallyAccessedMembers(PunctuationHook.Members)] TFunction, TSink> : IWindowOperator<TEvent>
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
    private readonly long _gap;
    private readonly long _lateness;
    private readonly EmissionMode _emission;
    private readonly WatermarkTracker _watermark;

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

    private long _nextEarly = long.MinValue;
    private long _now;
    private bool _ended;
    private WindowResult<TKey, TAcc> _result;

    /// <summary>Creates the operator; <paramref name="options"/> (Kind Session) is validated here.</summary>
    public SessionWindowOperator(WindowOptions options, TFunction function = default, TSink sink = default)
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

        _options = options;
        _function = function;
        _sink = sink;
        _gap = options.Gap;
        _lateness = options.AllowedLateness;
        _emission = options.Emission;
        _watermark = new WatermarkTracker(options.Watermark);
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

    /// <summary>The sink (by reference).</summary>
    public ref TSink Sink => ref _sink;

    /// <inheritdoc/>
    public long Watermark => _watermark.Current;

    /// <summary>The watermark tracker: read it, or tell it about back-pressure; declare idle inputs through <see cref="MarkIdle"/>.</summary>
    public WatermarkTracker WatermarkTracker => _watermark;

    /// <summary>Events added to a session.</summary>
    public long EventsAccepted { get; private set; }

    /// <summary>Accepted events at or behind the watermark.</summary>
    public long LateAccepted { get; private set; }

    /// <summary>Events sent to the late side output because their session was closed.</summary>
    public long LateDropped { get; private set; }

    /// <summary>Events sent to the late side output because the state was full.</summary>
    public long StateFullRejected { get; private set; }

    /// <summary>Session merges (two or more sessions became one).</summary>
    public long Merges { get; private set; }

    /// <summary>Results emitted (not counting the end marker).</summary>
    public long ResultsEmitted { get; private set; }

    /// <summary>Open sessions.</summary>
    public int LiveSessions => _live;

    /// <inheritdoc/>
    public void OnEvent(ref TEvent e) => OnEvent(ref e, 0);

    /// <inheritdoc/>
    public void OnEvent(ref TEvent e, int input)
    {
        long ts = _function.GetTimestamp(in e);
        long before = _watermark.Current;
        Assign(in e, ts, before);
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

        if (_watermark.Current > before)
        {
            Advance(before, _watermark.Current);
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
        _watermark.OnProcessingTime(_now);
        if (_watermark.Current > before)
        {
            Advance(before, _watermark.Current);
        }

        if (_emission == EmissionMode.EarlyEveryPeriod && _now >= _nextEarly)
        {
            _nextEarly = _nextEarly == long.MinValue ? _now + _options.EarlyPeriod : Math.Max(_nextEarly + _options.EarlyPeriod, _now);
            long w = _watermark.Current;
            for (int i = 0; i < _dirty.Count; i++)
            {
                int n = _dirty.LiveAt(i);
                if (n >= 0)
                {
                    _dirty.Unmark(n);
                    if (_end[n] - 1 > w)
                    {
                        Emit(n, isFinal: false);
                    }
                }
            }

            _dirty.EndRound();
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

    private void Assign(in TEvent e, long ts, long before)
    {
        TKey key = _function.GetKey(in e);
        long start = ts;
        long end = ts > long.MaxValue - _gap ? long.MaxValue : ts + _gap;
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

        if (mEnd - 1 <= SaturatingSubtract(before, _lateness))
        {
            LateDropped++;
            _sink.OnLate(in e, LateReason.WindowClosed, before);
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
                long fireAt = mEnd - 1;
                _timers.Set(target, fireAt > before ? fireAt : SaturatingAdd(fireAt, _lateness), _born[target]);
            }
        }
        else
        {
            target = NewSession(key, ref k, start, end);
            if (target < 0)
            {
                if (_options.WhenFull == TableFullPolicy.Throw)
                {
                    throw new StateTableFullException($"The session state is full (WindowOptions.Capacity = {_options.Capacity}).");
                }

                StateFullRejected++;
                _sink.OnLate(in e, LateReason.StateFull, before);
                return;
            }
        }

        _function.Add(ref _acc[target], in e);
        EventsAccepted++;
        if (ts <= before)
        {
            LateAccepted++;
        }

        bool fired = _end[target] - 1 <= before;
        Schedule(target, before);
        if (fired || _emission == EmissionMode.OnEveryUpdate)
        {
            Emit(target, isFinal: false);
        }
        else if (_emission == EmissionMode.EarlyEveryPeriod && !_dirty.Contains(target))
        {
            _dirty.Mark(target);
        }
    }

    /// <summary>Folds the <paramref name="count"/> − 1 sessions after <paramref name="target"/> in its key's list into it.</summary>
    private void MergeInto(int target, int count)
    {
        Merges++;
        for (int i = 1; i < count; i++)
        {
            int n = _next[target];
            _function.Merge(ref _acc[target], in _acc[n]);
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
        long at = fireAt > watermark ? fireAt : SaturatingAdd(fireAt, _lateness);
        if (!_timers.Contains(n) || at < _timers.TimeOf(n))
        {
            _timers.Set(n, at, _born[n]);
        }
    }

    private void Advance(long before, long after)
    {
        while (_timers.TryPeek(out int n, out long at) && at <= after)
        {
            long fireAt = _end[n] - 1;
            long purgeAt = SaturatingAdd(fireAt, _lateness);
            long due = fireAt > before ? fireAt : purgeAt;
            if (due != at)
            {
                // Grew since it was queued: re-queue at its real time, so sessions act in (time, age) order.
                _timers.Set(n, due, _born[n]);
                continue;
            }

            bool purge = purgeAt <= after;
            if (fireAt > before && _emission != EmissionMode.OnEveryUpdate)
            {
                Emit(n, purge);
            }

            if (purge)
            {
                if (!_lastFinal[n] && _version[n] > 0)
                {
                    Emit(n, isFinal: true);
                }

                Remove(n);
            }
            else
            {
                _timers.Set(n, purgeAt, _born[n]);
            }
        }
    }

    private void Emit(int n, bool isFinal)
    {
        _version[n]++;
        _lastFinal[n] = isFinal;
        _result.Key = _keys.KeyAt(_keySlot[n]);
        _result.Start = _start[n];
        _result.End = _end[n];
        _result.Version = _version[n];
        _result.IsFinal = isFinal;
        _result.IsEndOfStream = false;
        _result.Value = _acc[n];
        ResultsEmitted++;
        _sink.OnResult(in _result);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long SaturatingSubtract(long a, long b) => a < long.MinValue + b ? long.MinValue : a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long SaturatingAdd(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;

    private string Identity =>
        $"SessionWindowOperator/{typeof(TKey).FullName}/{typeof(TAcc).FullName}/{Unsafe.SizeOf<TKey>()}/{Unsafe.SizeOf<TAcc>()}/gap={_gap}/lateness={_lateness}/emission={_emission}/inputs={_watermark.Inputs}";

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
            writer.Write(_bornCounter);
            writer.Write(EventsAccepted);
            writer.Write(LateAccepted);
            writer.Write(LateDropped);
            writer.Write(StateFullRejected);
            writer.Write(Merges);
            writer.Write(ResultsEmitted);
            writer.Write(_live);
            for (int n = 0; n < _highWater; n++)
            {
                if (!_timers.Contains(n))
                {
                    continue; // free: every live session is queued
                }

                TKey key = _keys.KeyAt(_keySlot[n]);
                writer.Write(MemoryMarshal.AsBytes(new ReadOnlySpan<TKey>(in key)));
                writer.Write(_start[n]);
                writer.Write(_end[n]);
                writer.Write(_version[n]);
                writer.Write(_lastFinal[n]);
                writer.Write(_born[n]);
                writer.Write(MemoryMarshal.AsBytes(new ReadOnlySpan<TAcc>(in _acc[n])));
            }

            // Changed sessions in round order: the order of the next early round's results.
            var order = new List<int>();
            for (int i = 0; i < _dirty.Count; i++)
            {
                int n = _dirty.LiveAt(i);
                if (n >= 0)
                {
                    order.Add(n);
                }
            }

            writer.Write(order.Count);
            foreach (int n in order)
            {
                {
                    TKey key = _keys.KeyAt(_keySlot[n]);
                    writer.Write(MemoryMarshal.AsBytes(new ReadOnlySpan<TKey>(in key)));
                    writer.Write(_start[n]);
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
            _bornCounter = reader.ReadInt64();
            EventsAccepted = reader.ReadInt64();
            LateAccepted = reader.ReadInt64();
            LateDropped = reader.ReadInt64();
            StateFullRejected = reader.ReadInt64();
            Merges = reader.ReadInt64();
            ResultsEmitted = reader.ReadInt64();
            int live = reader.ReadInt32();
            if (live < 0 || live > _start.Length)
            {
                throw new SnapshotFormatException($"The snapshot holds {live} sessions; this operator holds at most {_start.Length} (WindowOptions.Capacity).");
            }

            Span<byte> keyBytes = stackalloc byte[Unsafe.SizeOf<TKey>()];
            for (int i = 0; i < live; i++)
            {
                reader.BaseStream.ReadExactly(keyBytes);
                TKey key = MemoryMarshal.Read<TKey>(keyBytes);
                long start = reader.ReadInt64();
                long end = reader.ReadInt64();
                int k = _keys.Find(key);
                int n = NewSession(key, ref k, start, end);
                if (n < 0)
                {
                    throw new SnapshotFormatException("The snapshot's sessions do not fit this operator (WindowOptions.Capacity).");
                }

                _version[n] = reader.ReadInt32();
                _lastFinal[n] = reader.ReadBoolean();
                _born[n] = reader.ReadInt64();
                reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(new Span<TAcc>(ref _acc[n])));
                Schedule(n, _watermark.Current);
            }

            int dirty = reader.ReadInt32();
            for (int i = 0; i < dirty; i++)
            {
                reader.BaseStream.ReadExactly(keyBytes);
                int k = _keys.Find(MemoryMarshal.Read<TKey>(keyBytes));
                long start = reader.ReadInt64();
                int n = k < 0 ? -1 : _keyHead[k];
                while (n >= 0 && _start[n] != start)
                {
                    n = _next[n];
                }

                if (n < 0 || !_dirty.IsEnabled || _dirty.Contains(n))
                {
                    throw new SnapshotFormatException("The snapshot's changed-session list names a session it does not hold.");
                }

                _dirty.Mark(n);
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
        _keys.Clear();
        _timers.Clear();
        _freeHead = -1;
        _highWater = 0;
        _live = 0;
        _dirty.Clear();
    }
}

using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LowLatency.Engine.State;
using LowLatency.Engine.Time;

namespace LowLatency.Engine.Windowing;

/// <summary>
/// The event-time rules every window operator shares (DESIGN.md §4), in one place: the watermark before and
/// after an event, the advance gate, lateness verdicts, counters, result and late-event emission, the drain,
/// and the snapshot framing. An operator owns one (a struct field) and keeps only its window algebra.
/// </summary>
/// <remarks>
/// <para>Single-threaded: written only on the operator's thread. Metrics read the watermark and the counters from
/// their own thread: each a whole 64-bit read of a plain field, possibly a little stale, never torn.</para>
/// <para>Time arithmetic saturates over the whole Int64 range (see <see cref="WindowBounds"/>).</para>
/// </remarks>
/// <typeparam name="TEvent">The input event.</typeparam>
/// <typeparam name="TKey">The key.</typeparam>
/// <typeparam name="TAcc">The accumulator.</typeparam>
/// <typeparam name="TFunction">Time, key and aggregation of an event (optionally punctuated watermarks).</typeparam>
/// <typeparam name="TSink">Where results, late events and the end marker go.</typeparam>
[StructLayout(LayoutKind.Auto)]
internal struct EventTimeCore<TEvent, TKey, TAcc, TFunction, TSink>
    where TEvent : struct
    where TKey : unmanaged, IEquatable<TKey>
    where TAcc : unmanaged
    where TFunction : struct, IWindowFunction<TEvent, TKey, TAcc>
    where TSink : struct, IWindowSink<TEvent, TKey, TAcc>
{
    // Mutable structs kept non-readonly on purpose: the function and sink may carry state updated in place.
    public TFunction Function;
    public TSink Sink;
    public WindowCounters Counters;

    public readonly WatermarkTracker Tracker;
    public readonly long Lateness;
    private readonly long _minTimestamp;
    private readonly ulong _timestampSpan;   // accepted: minTimestamp ≤ ts ≤ minTimestamp + span

    /// <summary>Below this watermark an advance can neither fire, purge nor free anything (the operator keeps it a lower bound).</summary>
    public long WakeAt;

    /// <summary>The sequence of the event being handled (or last handled); stamped on results as their trigger.</summary>
    public long Sequence;

    /// <summary>The last processing time seen (host ticks).</summary>
    public long Now;

    /// <summary>The next early round (processing time); <see cref="long.MinValue"/> before the first.</summary>
    public long NextEarly;

    /// <summary>Drained: the end marker went out.</summary>
    public bool Ended;

    private WindowResult<TKey, TAcc> _result;

    public EventTimeCore(TFunction function, TSink sink, WatermarkOptions watermark, long lateness, long minTimestamp, long maxTimestamp)
    {
        Function = function;
        Sink = sink;
        Tracker = new WatermarkTracker(watermark);
        Lateness = lateness;
        _minTimestamp = minTimestamp;
        _timestampSpan = (ulong)(maxTimestamp - minTimestamp);
        WakeAt = long.MinValue;
        Sequence = TriggerSequences.None;
        NextEarly = long.MinValue;
    }

    public readonly long Watermark => Tracker.Current;

    /// <summary>True when every window of an event at <paramref name="timestamp"/> can be represented.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly bool InRange(long timestamp) => (ulong)(timestamp - _minTimestamp) <= _timestampSpan;

    /// <summary>Windows with <c>end ≤</c> this are purged at watermark <paramref name="watermark"/> (<c>end − 1 + L ≤ W</c>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly long PurgeBound(long watermark) => WindowBounds.PurgeBound(watermark, Lateness);

    /// <summary>The lowest watermark at which a window ending at <paramref name="end"/> is purged.</summary>
    public readonly long PurgeAt(long end) => WindowBounds.PurgeAt(end, Lateness);

    /// <summary>The event handled, judged and assigned: its time and punctuation move the watermark. True when the operator must advance.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool AfterEvent(in TEvent e, long timestamp, int input, long before)
    {
        if (input == 0)
        {
            Tracker.OnEvent(timestamp);
        }
        else
        {
            Tracker.OnEvent(input, timestamp);
        }

        // A struct type test the JIT folds per instantiation: functions without punctuation pay nothing.
        if (Function is IPunctuatedWatermark<TEvent>)
        {
            Punctuate(in e, input);
        }

        return Moved(before);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private void Punctuate(in TEvent e, int input)
    {
        // Devirtualized on the exact struct type; the box of the cast is elided (the allocation tests prove it).
        if (((IPunctuatedWatermark<TEvent>)Function).TryGetWatermark(in e, out long watermark))
        {
            Tracker.OnWatermark(input, watermark);
        }
    }

    /// <summary>An explicit watermark; true when the operator must advance from <paramref name="before"/>.</summary>
    public bool OnWatermark(long watermark, int input, out long before)
    {
        before = Tracker.Current;
        Tracker.OnWatermark(input, watermark);
        return Moved(before);
    }

    /// <summary>An input declared idle; true when the operator must advance from <paramref name="before"/>.</summary>
    public bool MarkIdle(int input, out long before)
    {
        before = Tracker.Current;
        Tracker.MarkIdle(input);
        return Moved(before);
    }

    /// <summary>Processing time advanced; in the processing-time domain it is the watermark. True when the operator must advance.</summary>
    public bool OnProcessingTime(long now, bool processingTimeDomain, out long before)
    {
        if (now > Now)
        {
            Now = now;
        }

        before = Tracker.Current;
        if (processingTimeDomain)
        {
            Tracker.OnWatermark(0, TickMath.SaturatingSubtract(Now, 1));
        }
        else
        {
            Tracker.OnProcessingTime(Now);
        }

        return Moved(before);
    }

    /// <summary>True (and the next round scheduled) when an early round is due under <see cref="EmissionMode.EarlyEveryPeriod"/>.</summary>
    public bool EarlyRoundDue(long period)
    {
        if (Now < NextEarly)
        {
            return false;
        }

        NextEarly = NextEarly == long.MinValue ? TickMath.SaturatingAdd(Now, period) : Math.Max(TickMath.SaturatingAdd(NextEarly, period), Now);
        return true;
    }

    /// <summary>Starts the drain: false when already drained; else the watermark is +∞ and results carry the drain marker.</summary>
    public bool BeginDrain(out long before)
    {
        before = Tracker.Current;
        if (Ended)
        {
            return false;
        }

        Tracker.AdvanceToEnd();
        Sequence = TriggerSequences.Drain;
        return true;
    }

    /// <summary>Ends the drain: the end marker.</summary>
    public void EndDrain()
    {
        Ended = true;
        Sink.OnEndOfStream();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly bool Moved(long before)
    {
        long after = Tracker.Current;
        return after > before && after >= WakeAt;
    }

    /// <summary>Sends a result to the sink, stamped with the current trigger sequence.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Emit(TKey key, long start, long end, int version, PaneTiming timing, bool isFinal, in TAcc value)
    {
        _result.Key = key;
        _result.Start = start;
        _result.End = end;
        _result.Version = version;
        _result.Timing = timing;
        _result.IsFinal = isFinal;
        _result.IsEndOfStream = false;
        _result.TriggerSequence = Sequence;
        _result.Value = value;
        Counters.ResultsEmitted++;
        Sink.OnResult(in _result);
    }

    /// <summary>Counts an accepted event.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Accepted(long timestamp, long before)
    {
        Counters.EventsAccepted++;
        if (timestamp <= before)
        {
            Counters.LateAccepted++;
        }
    }

    /// <summary>Sends an event no window accepted to the late side output, counted by reason.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void Refuse(in TEvent e, LateReason reason, long watermark)
    {
        switch (reason)
        {
            case LateReason.WindowClosed:
                Counters.LateDropped++;
                break;
            case LateReason.Unassigned:
                Counters.Unassigned++;
                break;
            case LateReason.TimestampOutOfRange:
                Counters.OutOfRange++;
                break;
            default:
                Counters.StateFullRejected++;
                break;
        }

        Sink.OnLate(in e, reason, watermark);
    }

    /// <summary>An event that needed a new state entry found the state full: thrown or refused by policy.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void RefuseFull(in TEvent e, WindowOptions options, long watermark)
    {
        if (options.WhenFull == TableFullPolicy.Throw)
        {
            ThrowFull(options);
        }

        Refuse(in e, LateReason.StateFull, watermark);
    }

    [DoesNotReturn]
    private static void ThrowFull(WindowOptions options) => throw new StateTableFullException(
        $"The window state is full (WindowOptions.Capacity = {options.Capacity}, KeyCapacity = {options.KeyCapacity}, MaxOpenPanes = {options.MaxOpenPanes}).");

    /// <summary>Writes the framing every operator's snapshot starts with: watermark, clocks, trigger sequence, counters.</summary>
    public readonly void Write(BinaryWriter writer)
    {
        Tracker.Write(writer);
        writer.Write(Now);
        writer.Write(Ended);
        writer.Write(NextEarly);
        writer.Write(Sequence);
        Counters.Write(writer);
    }

    /// <summary>Reads the framing <see cref="Write"/> wrote; the wake gate opens (recomputed at the next advance).</summary>
    public void Read(BinaryReader reader)
    {
        WakeAt = long.MinValue;
        Tracker.Read(reader);
        Now = reader.ReadInt64();
        Ended = reader.ReadBoolean();
        NextEarly = reader.ReadInt64();
        Sequence = reader.ReadInt64();
        Counters.Read(reader);
    }
}

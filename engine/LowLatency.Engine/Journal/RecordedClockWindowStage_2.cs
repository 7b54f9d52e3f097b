using LowLatency.Engine.Processing;
using LowLatency.Engine.Windowing;

namespace LowLatency.Engine.Journal;

/// <summary>
/// A window operator as a pipeline stage whose processing time is the reading recorded with each event
/// (<see cref="RecordedClock"/>), not a clock: the operator is told the time whenever it changes, just
/// before the first event that carries the new reading. A recorded run and its replay therefore present
/// the same times at the same events, and processing-time windows, idleness and early firings come out
/// the same. Processing time advances with the input: while no event arrives, nothing fires on time alone
/// (draining fires everything). Added with <c>HandleBatchesWith</c>, the stage hands the operator each run of a
/// batch's events recorded together (one <see cref="RecordedClock.Set"/>: one journaled batch) in one <see cref="IWindowOperator{TEvent}.OnBatch(Span{TEvent}, int)"/>
/// call (the same results; the operator loads the state of events ahead); with <c>HandleEventsWith</c>, one event at a time.
/// </summary>
/// <typeparam name="TEvent">The input event.</typeparam>
/// <typeparam name="TOperator">The operator.</typeparam>
public struct RecordedClockWindowStage<TEvent, TOperator> : IEventHandler<TEvent>, IBatchEventHandler<TEvent>, ILifecycleAware
    where TEvent : struct
    where TOperator : class, IWindowOperator<TEvent>
{
    private readonly TOperator _operator;
    private readonly RecordedClock _clock;
    private readonly SnapshotBarrier? _snapshots;

    // Stage-thread local: the reading the operator was last told (long.MinValue: none yet).
    private long _told;

    /// <summary>
    /// Wraps <paramref name="windowOperator"/>, timed by <paramref name="clock"/>; <paramref name="snapshots"/> takes
    /// snapshots at requested sequences on the stage thread (null: none). Recovery restores the latest one and
    /// replays the journal after the position it covers.
    /// </summary>
    public RecordedClockWindowStage(TOperator windowOperator, RecordedClock clock, SnapshotBarrier? snapshots = null)
    {
        ArgumentNullException.ThrowIfNull(windowOperator);
        ArgumentNullException.ThrowIfNull(clock);
        _operator = windowOperator;
        _clock = clock;
        _snapshots = snapshots;
        _told = long.MinValue;
    }

    /// <summary>The operator.</summary>
    public readonly TOperator Operator => _operator;

    /// <inheritdoc/>
    public void OnEvent(ref TEvent data, long sequence, bool endOfBatch)
    {
        long now = _clock[sequence];
        if (now != _told)
        {
            _told = now;
            _operator.OnProcessingTime(now);
        }

        // Not the ring sequence: a replay's ring starts again at 0. The operator's own count (from None, restored with a
        // snapshot) is the event's journal position when the operator has seen the journal from its start, so results
        // carry the same TriggerSequence in a recorded run, its replay and a recovery.
        _operator.OnEvent(ref data);
        _snapshots?.TryTake(_operator, sequence);
    }

    /// <inheritdoc/>
    public void OnBatch(Span<TEvent> batch, long firstSequence)
    {
        if (_snapshots is not null)
        {
            // A snapshot is taken between two events: one at a time.
            for (int i = 0; i < batch.Length; i++)
            {
                OnEvent(ref batch[i], firstSequence + i, false);
            }

            return;
        }

        int start = 0;
        while (start < batch.Length)
        {
            long sequence = firstSequence + start;
            long now = _clock[sequence];
            long runEnd = _clock.RunEnd(sequence);
            int end = runEnd >= sequence ? (int)Math.Min(batch.Length, runEnd - firstSequence + 1) : SameReadingEnd(batch.Length, firstSequence, start, now);

            if (now != _told)
            {
                _told = now;
                _operator.OnProcessingTime(now);
            }

            // The operator's own count, as OnEvent above (not the ring's sequence).
            _operator.OnBatch(batch[start..end], 0);
            start = end;
        }
    }

    /// <summary>
    /// Where the events from <paramref name="start"/> stop carrying <paramref name="now"/>: for a slot no <see cref="RecordedClock.Set"/>
    /// wrote in this lap of the ring (a clock nobody feeds reads its old values), so its run end says nothing.
    /// </summary>
    private readonly int SameReadingEnd(int length, long firstSequence, int start, long now)
    {
        int end = start + 1;
        while (end < length && _clock[firstSequence + end] == now)
        {
            end++;
        }

        return end;
    }

    /// <inheritdoc/>
    public readonly void OnStart()
    {
    }

    /// <inheritdoc/>
    public readonly void OnShutdown(ShutdownReason reason)
    {
        if (reason == ShutdownReason.Drained)
        {
            _operator.Drain();
        }
    }
}

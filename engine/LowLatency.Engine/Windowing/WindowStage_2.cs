using LowLatency.Engine.Processing;
using LowLatency.Engine.Time;

namespace LowLatency.Engine.Windowing;

/// <summary>
/// Runs a window operator as a pipeline stage: events go to the operator in sequence order, processing
/// time is read from the injected clock once per batch (and on each timeout tick), and a drained pipeline
/// drains the operator (watermark +∞, every window fires final, then the end marker). A stopped or faulted
/// pipeline keeps the operator's state, for a snapshot. Added with <c>HandleBatchesWith</c>, the stage hands the
/// operator whole spans of the ring (<see cref="IWindowOperator{TEvent}.OnBatch(Span{TEvent}, int, long)"/>: the same results, sooner, as
/// the operator loads the state of events ahead); with <c>HandleEventsWith</c>, one event at a time.
/// </summary>
/// <typeparam name="TEvent">The input event.</typeparam>
/// <typeparam name="TOperator">
/// The operator (a <see cref="TimeWindowOperator{TEvent, TKey, TAcc, TFunction, TSink}"/>, ...). A class, on purpose:
/// the stage and the host share one operator by reference (the host reads its counters, the snapshot barrier
/// snapshots it); a struct operator would be copied into the stage and mutate the copy.
/// </typeparam>
public struct WindowStage<TEvent, TOperator> : IEventHandler<TEvent>, IBatchEventHandler<TEvent>, IBatchAware, ITimeoutAware, ILifecycleAware
    where TEvent : struct
    where TOperator : class, IWindowOperator<TEvent>
{
    private readonly TOperator _operator;
    private readonly ProcessingClock? _clock;
    private readonly SnapshotBarrier? _snapshots;

    /// <summary>
    /// Wraps <paramref name="windowOperator"/>; <paramref name="clock"/> supplies processing time (null: none);
    /// <paramref name="snapshots"/> takes snapshots at requested sequences on the stage thread (null: none).
    /// </summary>
    public WindowStage(TOperator windowOperator, ProcessingClock? clock = null, SnapshotBarrier? snapshots = null)
    {
        ArgumentNullException.ThrowIfNull(windowOperator);
        _operator = windowOperator;
        _clock = clock;
        _snapshots = snapshots;
    }

    /// <summary>The operator (read its counters and state after the pipeline stopped, or snapshot it between events).</summary>
    public readonly TOperator Operator => _operator;

    /// <inheritdoc/>
    public readonly void OnEvent(ref TEvent data, long sequence, bool endOfBatch)
    {
        _operator.OnEvent(ref data, 0, sequence);
        _snapshots?.TryTake(_operator, sequence);
    }

    /// <inheritdoc/>
    public readonly void OnBatch(Span<TEvent> batch, long firstSequence)
    {
        if (_snapshots is null)
        {
            _operator.OnBatch(batch, 0, firstSequence);
            return;
        }

        // A snapshot is taken between two events: one at a time.
        for (int i = 0; i < batch.Length; i++)
        {
            OnEvent(ref batch[i], firstSequence + i, false);
        }
    }

    /// <inheritdoc/>
    public readonly void OnBatchStart(long firstSequence, long count)
    {
        if (_clock is not null)
        {
            _operator.OnProcessingTime(_clock.Now());
        }
    }

    /// <inheritdoc/>
    public readonly void OnBatchEnd(long lastSequence)
    {
    }

    /// <inheritdoc/>
    public readonly void OnTimeout(long lastSequence)
    {
        if (_clock is not null)
        {
            _operator.OnProcessingTime(_clock.Now());
        }

        if (lastSequence >= 0)
        {
            _snapshots?.TryTake(_operator, lastSequence);
        }
    }

    /// <inheritdoc/>
    public readonly void OnStart()
    {
        if (_clock is not null)
        {
            _operator.OnProcessingTime(_clock.Now());
        }
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

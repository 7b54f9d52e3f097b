using LowLatency.Engine.Sequencing;

namespace LowLatency.Engine.Processing;

/// <summary>
/// A consumer without a thread: a host that runs its own duty cycle calls <see cref="Poll{THandler}"/> on
/// its own thread. The poller's sequence gates producers like a stage's.
/// </summary>
/// <typeparam name="T">The event type.</typeparam>
public sealed class EventPoller<T>
    where T : struct
{
    private readonly RingBuffer<T> _ring;
    private readonly SequenceBarrier _barrier;
    private readonly int _maxBatchSize;

    internal EventPoller(RingBuffer<T> ring, SequenceBarrier barrier, int maxBatchSize)
    {
        _ring = ring;
        _barrier = barrier;
        _maxBatchSize = maxBatchSize;
    }

    /// <summary>What a poll found.</summary>
    public enum PollState
    {
        /// <summary>Events were handed to the handler.</summary>
        Processing = 0,

        /// <summary>Nothing to do: events are published but a stage this poller follows has not finished them.</summary>
        Gating = 1,

        /// <summary>Nothing published beyond what this poller has handled.</summary>
        Idle = 2,
    }

    /// <summary>The last sequence this poller handled (release-stored by the polling thread).</summary>
    public Sequence Sequence { get; } = new();

    /// <summary>
    /// Hands every available event (up to the maximum batch size) to <paramref name="handler"/>. If the
    /// handler throws, the events before the failing one count as handled and the exception propagates;
    /// the next poll starts at the failing event.
    /// </summary>
    public PollState Poll<THandler>(ref THandler handler)
        where THandler : struct, IEventHandler<T>
    {
        long current = Sequence.ValueRelaxed;
        long next = current + 1;
        long available = _barrier.AvailableSequence;
        if (available >= next)
        {
            available = _ring.Sequencer.GetHighestPublishedSequence(next, available);
        }

        if (available < next)
        {
            return _ring.Cursor.ValueAcquire >= next ? PollState.Gating : PollState.Idle;
        }

        long end = Math.Min(available, current + _maxBatchSize);
        long processed = current;
        try
        {
            for (long s = next; s <= end; s++)
            {
                handler.OnEvent(ref _ring[s], s, s == end);
                processed = s;
            }
        }
        finally
        {
            // Release; pairs with producers' gating loads.
            Sequence.SetRelease(processed);
            if (_barrier.SignalsProgress)
            {
                _barrier.SignalProgress();
            }

            if (_ring.Sequencer.Capacity.HasWaiters)
            {
                _ring.Sequencer.Capacity.NotifyProgressSlow();
            }
        }

        return PollState.Processing;
    }
}

using LowLatency.Engine.Sequencing;

namespace LowLatency.Engine.Waiting;

/// <summary>
/// Base of the strategies that park consumers: <see cref="BlockingWaitStrategy"/> and
/// <see cref="HybridWaitStrategy"/>.
/// </summary>
/// <remarks>
/// The lost-wake-up protocol is Dekker's: a consumer increments <c>_waiters</c> (full fence), reads the
/// parker's generation, and only then re-reads the barrier before sleeping on that generation; a signaller
/// stores its sequence, issues a full fence, and only then reads <c>_waiters</c>, bumping the generation if
/// anyone is parked. Either the consumer sees the new sequence, or the signaller sees the waiter and the
/// generation moves under it, so a consumer never sleeps through the publication it waits for. Signals cost
/// a fence and nothing more while nobody is parked. Parks are capped at <see cref="MaxParkMilliseconds"/> so
/// a bug elsewhere costs latency, never liveness.
/// </remarks>
public abstract class ParkingWaitStrategy : IWaitStrategy
{
    private const int MaxParkMilliseconds = 50;

    private readonly Parker _parker = Parker.Create();

    // Incremented/decremented by parking consumers (Interlocked, full fences); read by signallers after a full fence.
    private int _waiters;

    /// <inheritdoc/>
    public bool IsBlocking => true;

    /// <inheritdoc/>
    public abstract long WaitFor(long sequence, SequenceBarrier barrier);

    /// <inheritdoc/>
    public void SignalAllWhenBlocking()
    {
        // StoreLoad: the caller's sequence store must be visible before we read _waiters; pairs with
        // the Interlocked.Increment in Park.
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref _waiters) != 0)
        {
            _parker.WakeAll();
        }
    }

    private protected long Park(long sequence, SequenceBarrier barrier, ref WaitDeadline deadline)
    {
        Interlocked.Increment(ref _waiters);
        try
        {
            while (true)
            {
                int generation = _parker.Generation;
                long available = barrier.AvailableSequence;
                if (available >= sequence)
                {
                    return available;
                }

                if (barrier.IsAlerted)
                {
                    return SequenceBarrier.Alerted;
                }

                int ms = deadline.RemainingMilliseconds(MaxParkMilliseconds);
                if (ms == 0)
                {
                    return SequenceBarrier.TimedOut;
                }

                _parker.Wait(generation, ms);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _waiters);
        }
    }
}

using LowLatency.Engine.Sequencing;

namespace LowLatency.Engine.Waiting;

/// <summary>
/// Base of the strategies that park consumers on a monitor: <see cref="BlockingWaitStrategy"/> and
/// <see cref="HybridWaitStrategy"/>.
/// </summary>
/// <remarks>
/// The lost-wake-up protocol is Dekker's: a consumer increments <c>_waiters</c> (full fence) and only
/// then re-reads the barrier; a signaller stores its sequence, issues a full fence, and only then reads
/// <c>_waiters</c>. At least one side sees the other's write, so a consumer never sleeps through the
/// publication it waits for. Signals are skipped entirely while nobody is parked. Parks are also capped
/// at <see cref="MaxParkMilliseconds"/> so a bug elsewhere costs latency, never liveness.
/// </remarks>
public abstract class ParkingWaitStrategy : IWaitStrategy
{
    private const int MaxParkMilliseconds = 50;

    private readonly object _gate = new();

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
            lock (_gate)
            {
                Monitor.PulseAll(_gate);
            }
        }
    }

    private protected long Park(long sequence, SequenceBarrier barrier, ref WaitDeadline deadline)
    {
        lock (_gate)
        {
            Interlocked.Increment(ref _waiters);
            try
            {
                long available;
                while ((available = barrier.AvailableSequence) < sequence)
                {
                    if (barrier.IsAlerted)
                    {
                        return SequenceBarrier.Alerted;
                    }

                    int ms = deadline.RemainingMilliseconds(MaxParkMilliseconds);
                    if (ms == 0)
                    {
                        return SequenceBarrier.TimedOut;
                    }

                    Monitor.Wait(_gate, ms);
                }

                return available;
            }
            finally
            {
                Interlocked.Decrement(ref _waiters);
            }
        }
    }
}

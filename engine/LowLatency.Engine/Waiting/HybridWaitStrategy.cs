using System.Diagnostics;
using LowLatency.Engine.Sequencing;

namespace LowLatency.Engine.Waiting;

/// <summary>
/// Spins for a short budget (default 20 µs), yields for as long again, then parks like
/// <see cref="BlockingWaitStrategy"/>: a burst wakes at spin latency, a quiet stream burns no CPU.
/// </summary>
public sealed class HybridWaitStrategy : ParkingWaitStrategy
{
    private readonly long _spinTicks;

    /// <summary>Creates the strategy with a spin budget (default 20 µs).</summary>
    public HybridWaitStrategy(TimeSpan? spinBudget = null)
    {
        TimeSpan budget = spinBudget ?? TimeSpan.FromMicroseconds(20);
        if (budget < TimeSpan.Zero)
        {
            ThrowHelper.ThrowOption("HybridWaitStrategy.SpinBudget", budget, "must not be negative.");
        }

        _spinTicks = (long)(budget.TotalSeconds * Stopwatch.Frequency);
    }

    /// <inheritdoc/>
    public override long WaitFor(long sequence, SequenceBarrier barrier)
    {
        var deadline = new WaitDeadline(barrier.TimeoutTicks);
        long start = Stopwatch.GetTimestamp();
        long available;
        int iterations = 0;
        while ((available = barrier.AvailableSequence) < sequence)
        {
            if (barrier.IsAlerted)
            {
                return SequenceBarrier.Alerted;
            }

            // Read the clock every 16 spins: a spin is a few tens of nanoseconds, the budget microseconds.
            if ((++iterations & 15) == 0)
            {
                long elapsed = Stopwatch.GetTimestamp() - start;
                if (elapsed > 2 * _spinTicks)
                {
                    return Park(sequence, barrier, ref deadline);
                }

                if (elapsed > _spinTicks)
                {
                    Thread.Yield();
                    continue;
                }
            }

            Thread.SpinWait(1);
        }

        return available;
    }
}

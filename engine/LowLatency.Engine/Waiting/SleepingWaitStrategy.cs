using LowLatency.Engine.Sequencing;

namespace LowLatency.Engine.Waiting;

/// <summary>
/// Backs off in three steps: spin, then yield, then sleep 1 ms between checks. Low CPU when idle and
/// no signalling cost for producers, at the price of up to a millisecond of wake-up latency.
/// </summary>
public sealed class SleepingWaitStrategy : IWaitStrategy
{
    private const int SpinTries = 100;
    private const int YieldTries = 100;

    /// <summary>A shared instance (the strategy has no state).</summary>
    public static readonly SleepingWaitStrategy Instance = new();

    /// <inheritdoc/>
    public bool IsBlocking => false;

    /// <inheritdoc/>
    public long WaitFor(long sequence, SequenceBarrier barrier)
    {
        var deadline = new WaitDeadline(barrier.TimeoutTicks);
        int counter = SpinTries + YieldTries;
        long available;
        while ((available = barrier.AvailableSequence) < sequence)
        {
            if (barrier.IsAlerted)
            {
                return SequenceBarrier.Alerted;
            }

            if (counter > YieldTries)
            {
                counter--;
                Thread.SpinWait(1);
                continue;
            }

            if (deadline.HasExpired(force: true))
            {
                return SequenceBarrier.TimedOut;
            }

            if (counter > 0)
            {
                counter--;
                Thread.Yield();
            }
            else
            {
                Thread.Sleep(1);
            }
        }

        return available;
    }

    /// <inheritdoc/>
    public void SignalAllWhenBlocking()
    {
    }
}

using LowLatency.Engine.Sequencing;

namespace LowLatency.Engine.Waiting;

/// <summary>
/// Spins briefly, then calls <see cref="Thread.Yield"/> between checks: near busy-spin latency, and a
/// waiting thread gives its core to any other ready thread (on an oversubscribed box, the producer).
/// </summary>
public sealed class YieldingWaitStrategy : IWaitStrategy
{
    private const int SpinTries = 100;

    /// <summary>A shared instance (the strategy has no state).</summary>
    public static readonly YieldingWaitStrategy Instance = new();

    /// <inheritdoc/>
    public bool IsBlocking => false;

    /// <inheritdoc/>
    public long WaitFor(long sequence, SequenceBarrier barrier)
    {
        var deadline = new WaitDeadline(barrier.TimeoutTicks);
        int counter = SpinTries;
        long available;
        while ((available = barrier.AvailableSequence) < sequence)
        {
            if (barrier.IsAlerted)
            {
                return SequenceBarrier.Alerted;
            }

            if (counter > 0)
            {
                counter--;
                Thread.SpinWait(1);
            }
            else
            {
                if (deadline.HasExpired(force: true))
                {
                    return SequenceBarrier.TimedOut;
                }

                Thread.Yield();
            }
        }

        return available;
    }

    /// <inheritdoc/>
    public void SignalAllWhenBlocking()
    {
    }
}

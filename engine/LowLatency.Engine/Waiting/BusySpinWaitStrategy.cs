using LowLatency.Engine.Sequencing;

namespace LowLatency.Engine.Waiting;

/// <summary>
/// Spins on the barrier with no pause: the lowest wake-up latency, and one core burnt per waiting stage.
/// Use only with a core reserved for each busy-spinning thread.
/// </summary>
public sealed class BusySpinWaitStrategy : IWaitStrategy
{
    /// <summary>A shared instance (the strategy has no state).</summary>
    public static readonly BusySpinWaitStrategy Instance = new();

    /// <inheritdoc/>
    public bool IsBlocking => false;

    /// <inheritdoc/>
    public long WaitFor(long sequence, SequenceBarrier barrier)
    {
        var deadline = new WaitDeadline(barrier.TimeoutTicks);
        long available;
        while ((available = barrier.AvailableSequence) < sequence)
        {
            if (barrier.IsAlerted)
            {
                return SequenceBarrier.Alerted;
            }

            if (deadline.HasExpired())
            {
                return SequenceBarrier.TimedOut;
            }
        }

        return available;
    }

    /// <inheritdoc/>
    public void SignalAllWhenBlocking()
    {
    }
}

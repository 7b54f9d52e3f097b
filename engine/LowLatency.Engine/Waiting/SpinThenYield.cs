using LowLatency.Engine.Sequencing;

namespace LowLatency.Engine.Waiting;

/// <summary>
/// The wait loop <see cref="YieldingWaitStrategy"/> and <see cref="BackoffWaitStrategy"/> share: check the barrier,
/// pause, and after a number of pauses yield the core between checks instead. Only the pause differs; it is a
/// struct type argument, so each strategy gets its own compiled loop with the pause inlined.
/// </summary>
internal static class SpinThenYield
{
    /// <summary>What a strategy does between two checks while it still spins.</summary>
    internal interface IPause
    {
        void Pause();
    }

    public static long WaitFor<TPause>(long sequence, SequenceBarrier barrier, int pausesBeforeYielding, TPause pause)
        where TPause : struct, IPause
    {
        var deadline = new WaitDeadline(barrier.TimeoutTicks);
        int counter = pausesBeforeYielding;
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
                pause.Pause();
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
}

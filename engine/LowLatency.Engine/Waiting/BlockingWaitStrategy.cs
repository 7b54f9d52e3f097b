using LowLatency.Engine.Sequencing;

namespace LowLatency.Engine.Waiting;

/// <summary>
/// Parks a waiting consumer on a monitor at once: no CPU when idle, and a wake-up through the OS
/// scheduler (tens of microseconds). Each publication costs a fence, plus a pulse while someone is parked.
/// </summary>
public sealed class BlockingWaitStrategy : ParkingWaitStrategy
{
    /// <inheritdoc/>
    public override long WaitFor(long sequence, SequenceBarrier barrier)
    {
        var deadline = new WaitDeadline(barrier.TimeoutTicks);
        return Park(sequence, barrier, ref deadline);
    }
}

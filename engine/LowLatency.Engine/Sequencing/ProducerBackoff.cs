namespace LowLatency.Engine.Sequencing;

/// <summary>
/// How a producer waits for capacity: spin briefly, then yield, then sleep a millisecond. A producer
/// waiting on a full ring is waiting on a consumer, which on a 2-core box needs the core it would spin on.
/// </summary>
/// <remarks>Mutable struct on purpose: it counts its own iterations; keep it in a local.</remarks>
internal struct ProducerBackoff
{
    private const int SpinIterations = 64;
    private const int YieldIterations = 64;
    private int _count;

    public void Wait()
    {
        int count = _count++;
        if (count < SpinIterations)
        {
            Thread.SpinWait(8);
        }
        else if (count < SpinIterations + YieldIterations)
        {
            Thread.Yield();
        }
        else
        {
            Thread.Sleep(1);
        }
    }
}

namespace LowLatency.Engine.Sequencing;

/// <summary>
/// The first phases of a producer's wait for capacity: spin briefly, then yield. After those the producer
/// parks until a consumer releases what it needs (<see cref="Sequencer"/>'s capacity wait). A producer
/// waiting on a full ring is waiting on a consumer, which on a 2-core box needs the core it would spin on.
/// </summary>
/// <remarks>Mutable struct on purpose: it counts its own iterations; keep it in a local.</remarks>
internal struct ProducerBackoff
{
    private const int SpinIterations = 64;
    private const int YieldIterations = 64;
    private int _count;

    /// <summary>Spins or yields once; false once both phases are used up and the producer should park.</summary>
    public bool TrySpinOrYield()
    {
        int count = _count;
        if (count < SpinIterations)
        {
            _count = count + 1;
            Thread.SpinWait(8);
            return true;
        }

        if (count < SpinIterations + YieldIterations)
        {
            _count = count + 1;
            Thread.Yield();
            return true;
        }

        return false;
    }
}

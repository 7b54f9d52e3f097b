using LowLatency.Engine.Processing;
using LowLatency.Lab.Feed;

namespace LowLatency.Lab.Demo;

/// <summary>Stage 1: rejects malformed ticks (they flow on, flagged) and derives price and notional.</summary>
internal struct ValidateEnrichHandler(DemoCounters counters) : IEventHandler<DemoTick>
{
    // Stage-thread local; published to the counters only when it changes (rare).
    private long _rejected;

    public void OnEvent(ref DemoTick data, long sequence, bool endOfBatch)
    {
        if (data.Quantity <= 0 || data.PriceTicks <= 0)
        {
            data.Status = TickStatus.Rejected;
            Volatile.Write(ref counters.Rejected, ++_rejected);
            return;
        }

        data.Status = TickStatus.Valid;
        data.Price = data.PriceTicks / DemoTick.TicksPerUnit;
        data.Notional = data.Price * data.Quantity;
    }
}

using LowLatency.Engine.Processing;
using LowLatency.Lab.Tcp;

namespace LowLatency.Lab.Bench.Tcp;

/// <summary>Batch consumer: sums the quantities of a contiguous span of ticks.</summary>
internal struct QuantitySumHandler : IBatchEventHandler<MarketTick>
{
    public long Sum;

    public void OnBatch(Span<MarketTick> batch, long firstSequence)
    {
        long sum = Sum;
        foreach (ref readonly MarketTick tick in batch)
        {
            sum += tick.Quantity;
        }

        Sum = sum;
    }
}

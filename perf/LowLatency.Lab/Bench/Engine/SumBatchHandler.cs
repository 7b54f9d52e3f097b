using LowLatency.Engine.Processing;

namespace LowLatency.Lab.Bench.Engine;

/// <summary>Batch consumer: sums a contiguous span of the ring.</summary>
internal struct SumBatchHandler : IBatchEventHandler<BenchEvent>
{
    public long Sum;

    public void OnBatch(Span<BenchEvent> batch, long firstSequence)
    {
        long sum = Sum;
        foreach (ref readonly BenchEvent e in batch)
        {
            sum += e.Value;
        }

        Sum = sum;
    }
}

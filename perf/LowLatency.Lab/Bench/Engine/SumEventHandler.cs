using LowLatency.Engine.Processing;

namespace LowLatency.Lab.Bench.Engine;

/// <summary>Per-event consumer: sums the values (the work Disruptor-net's throughput handlers do).</summary>
internal struct SumEventHandler : IEventHandler<BenchEvent>
{
    public long Sum;

    public void OnEvent(ref BenchEvent data, long sequence, bool endOfBatch) => Sum += data.Value;
}

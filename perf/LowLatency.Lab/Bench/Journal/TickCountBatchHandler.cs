using System.Runtime.CompilerServices;
using LowLatency.Engine.Processing;
using LowLatency.Lab.Feed;

namespace LowLatency.Lab.Bench.Journal;

/// <summary>The cheapest real consumer of a replay of the demo's ticks: counts them, reading each one's symbol (so the bytes are read).</summary>
internal readonly struct TickCountBatchHandler(StrongBox<long> ticks) : IBatchEventHandler<DemoTick>
{
    public void OnBatch(Span<DemoTick> batch, long firstSequence)
    {
        long counted = 0;
        foreach (ref readonly DemoTick tick in batch)
        {
            counted += tick.Symbol >= 0 ? 1 : 0;
        }

        ticks.Value += counted;
    }
}

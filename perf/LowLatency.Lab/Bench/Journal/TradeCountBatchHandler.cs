using System.Runtime.CompilerServices;
using LowLatency.Engine.Processing;
using LowLatency.Lab.Bench.Window;

namespace LowLatency.Lab.Bench.Journal;

/// <summary>The cheapest real consumer of a replay: counts the trades of each contiguous span and checks their quantities are real (so the bytes are read).</summary>
internal readonly struct TradeCountBatchHandler(StrongBox<long> trades) : IBatchEventHandler<WindowTrade>
{
    public void OnBatch(Span<WindowTrade> batch, long firstSequence)
    {
        long counted = 0;
        foreach (ref readonly WindowTrade trade in batch)
        {
            counted += trade.Quantity >= 1 ? 1 : 0;
        }

        trades.Value += counted;
    }
}

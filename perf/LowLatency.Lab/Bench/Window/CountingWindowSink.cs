using LowLatency.Engine.Windowing;

namespace LowLatency.Lab.Bench.Window;

/// <summary>Counts results and sums their trades (so the results are observably used), counts late events.</summary>
internal struct CountingWindowSink : IWindowSink<WindowTrade, long, VwapAccumulator>
{
    public long Results;
    public long Trades;
    public long Late;

    public void OnResult(in WindowResult<long, VwapAccumulator> result)
    {
        Results++;
        Trades += result.Value.Trades;
    }

    public void OnLate(in WindowTrade e, LateReason reason, long watermark) => Late++;

    public readonly void OnEndOfStream()
    {
    }
}

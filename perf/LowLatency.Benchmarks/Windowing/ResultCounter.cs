using LowLatency.Engine.Windowing;

namespace LowLatency.Benchmarks.Windowing;

/// <summary>Counts results and late events.</summary>
public struct ResultCounter : IWindowSink<Trade, long, VwapAccumulator>
{
    public long Results;
    public long Late;

    public void OnResult(in WindowResult<long, VwapAccumulator> result) => Results++;

    public void OnLate(in Trade e, LateReason reason, long watermark) => Late++;

    public readonly void OnEndOfStream()
    {
    }
}

using LowLatency.Engine.Windowing;
using LowLatency.Lab.Bench.Window;

namespace LowLatency.Lab.Journal;

/// <summary>A window sink that folds every result into a <see cref="WindowOutputDigest"/> and counts late trades.</summary>
internal readonly struct DigestSink(WindowOutputDigest digest) : IWindowSink<WindowTrade, long, VwapAccumulator>
{
    public WindowOutputDigest Digest => digest;

    public void OnResult(in WindowResult<long, VwapAccumulator> result) => digest.Add(in result);

    public void OnLate(in WindowTrade e, LateReason reason, long watermark) => digest.AddLate(e.Symbol, e.Timestamp);

    public void OnEndOfStream()
    {
    }
}

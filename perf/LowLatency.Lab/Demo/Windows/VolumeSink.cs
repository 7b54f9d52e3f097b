using LowLatency.Engine.Windowing;
using LowLatency.Lab.Feed;

namespace LowLatency.Lab.Demo.Windows;

/// <summary>Receives the hopping 5 s volumes.</summary>
internal readonly struct VolumeSink(WindowResultLog log) : IWindowSink<DemoTick, int, SumAccumulator>
{
    public void OnResult(in WindowResult<int, SumAccumulator> result) => log.OnVolume(result.Key, result.Start, result.End, result.Value.Sum);

    public void OnLate(in DemoTick e, LateReason reason, long watermark)
    {
    }

    public void OnEndOfStream()
    {
    }
}

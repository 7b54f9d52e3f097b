using LowLatency.Engine.Windowing;
using LowLatency.Lab.Feed;

namespace LowLatency.Lab.Demo.Windows;

/// <summary>Receives the tumbling bars. Late ticks are counted by the operator (<c>LateDropped</c>).</summary>
internal readonly struct BarSink(WindowResultLog log) : IWindowSink<DemoTick, int, BarAccumulator>
{
    public void OnResult(in WindowResult<int, BarAccumulator> result) => log.OnBar(result.Key, result.Start, result.End, result.Value);

    public void OnLate(in DemoTick e, LateReason reason, long watermark)
    {
    }

    public void OnEndOfStream()
    {
    }
}

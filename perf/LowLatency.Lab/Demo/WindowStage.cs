using LowLatency.Engine.Processing;
using LowLatency.Lab.Feed;

namespace LowLatency.Lab.Demo;

/// <summary>
/// Stage 2: per-symbol 1 s tumbling OHLC+VWAP and 5 s / 1 s hopping volume in event time (bounded
/// out-of-orderness). Stamps each valid tick with its symbol's last closed VWAP and current 5 s volume,
/// for the risk stage. Draining fires every open window (end of stream).
/// </summary>
/// <remarks>The only file of the demo that knows how windows are computed.</remarks>
internal struct WindowStage(StandInWindows windows) : IEventHandler<MarketTick>, IBatchAware, ILifecycleAware
{
    public void OnEvent(ref MarketTick data, long sequence, bool endOfBatch)
    {
        if (data.Status == TickStatus.Valid)
        {
            windows.OnTick(ref data);
        }
    }

    public void OnBatchStart(long firstSequence, long count)
    {
    }

    public void OnBatchEnd(long lastSequence) => windows.PublishCounters();

    public void OnStart()
    {
    }

    public void OnShutdown(ShutdownReason reason)
    {
        if (reason == ShutdownReason.Drained)
        {
            windows.FireAll();
        }

        windows.PublishCounters();
    }
}

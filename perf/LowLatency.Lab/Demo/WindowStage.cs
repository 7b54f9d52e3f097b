using LowLatency.Engine.Processing;
using LowLatency.Engine.State;
using LowLatency.Engine.Time;
using LowLatency.Engine.Windowing;
using LowLatency.Lab.Demo.Windows;
using LowLatency.Lab.Feed;

namespace LowLatency.Lab.Demo;

/// <summary>
/// Stage 2: the engine's keyed window operators in event time with bounded out-of-orderness: per-symbol
/// 1 s tumbling OHLC+VWAP and 5 s / 1 s hopping volume (shared panes). Stamps each valid tick with its
/// symbol's last closed VWAP and 5 s volume for the risk stage. Draining fires every window (end of stream).
/// </summary>
internal readonly struct WindowStage : IEventHandler<DemoTick>, IBatchAware, ILifecycleAware
{
    private readonly TimeWindowOperator<DemoTick, int, BarAccumulator, TickBarFunction, BarSink> _bars;
    private readonly TimeWindowOperator<DemoTick, int, SumAccumulator, TickVolumeFunction, VolumeSink> _volumes;
    private readonly WindowResultLog _log;
    private readonly DemoCounters _counters;

    public WindowStage(DemoCounters counters, int symbols, TimeSpan outOfOrderBound)
    {
        long second = (long)TimeSpan.FromSeconds(1).TotalNanoseconds;
        var watermark = WatermarkOptions.Default with { OutOfOrderness = (long)outOfOrderBound.TotalNanoseconds };

        // Live (symbol, pane) entries: about 2 open 1 s panes per symbol for the bars, and 5 + 2 for the
        // 5 s hopping windows. Sized with headroom; keys are exactly the symbols. A full table halts the
        // demo (the run exits 3 naming the stage) instead of losing ticks.
        WindowOptions tumbling = WindowOptions.Tumbling(second) with
        {
            Watermark = watermark,
            Capacity = Math.Max(1 << 10, symbols * 4),
            KeyCapacity = symbols,
            WhenFull = TableFullPolicy.Throw,
        };
        WindowOptions hopping = WindowOptions.Hopping(5 * second, second) with
        {
            Watermark = watermark,
            Capacity = Math.Max(1 << 10, symbols * 10),
            KeyCapacity = symbols,
            WhenFull = TableFullPolicy.Throw,
        };

        _counters = counters;
        _log = new WindowResultLog(symbols);
        _bars = new(tumbling, default, new BarSink(_log));
        _volumes = new(hopping, default, new VolumeSink(_log));
    }

    public WindowResultLog Log => _log;

    public void OnEvent(ref DemoTick data, long sequence, bool endOfBatch)
    {
        if (data.Status != TickStatus.Valid)
        {
            return;
        }

        _bars.OnEvent(ref data);
        _volumes.OnEvent(ref data);
        data.ReferenceVwap = _log.LastVwap(data.Symbol);
        data.RecentVolume = _log.LastVolume(data.Symbol);
    }

    public void OnBatchStart(long firstSequence, long count)
    {
    }

    public void OnBatchEnd(long lastSequence) => PublishCounters();

    public void OnStart()
    {
    }

    public void OnShutdown(ShutdownReason reason)
    {
        if (reason == ShutdownReason.Drained)
        {
            _log.Draining = true;
            _bars.Drain();
            _volumes.Drain();
        }

        PublishCounters();
    }

    private void PublishCounters()
    {
        // Late: ticks too late for every bar they belong to (the operator's late side output).
        Volatile.Write(ref _counters.Late, _bars.LateDropped);
        Volatile.Write(ref _counters.WindowsEmitted, _bars.ResultsEmitted + _volumes.ResultsEmitted);
    }
}

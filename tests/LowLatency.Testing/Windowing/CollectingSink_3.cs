using LowLatency.Engine.Windowing;

namespace LowLatency.Testing.Windowing;

/// <summary>A struct sink recording into a <see cref="WindowCollector{TEvent, TKey, TAcc}"/> (or counting only, when recording is off).</summary>
public struct CollectingSink<TEvent, TKey, TAcc> : IWindowSink<TEvent, TKey, TAcc>
    where TEvent : struct
    where TKey : unmanaged, IEquatable<TKey>
    where TAcc : unmanaged
{
    private readonly WindowCollector<TEvent, TKey, TAcc> _collector;

    public CollectingSink(WindowCollector<TEvent, TKey, TAcc> collector) => _collector = collector;

    public long ResultCount;

    public long LateCount;

    public readonly WindowCollector<TEvent, TKey, TAcc> Collector => _collector;

    public void OnResult(in WindowResult<TKey, TAcc> result)
    {
        ResultCount++;
        if (_collector.Record)
        {
            _collector.Results.Add((_collector.CurrentIndex, result));
        }
    }

    public void OnLate(in TEvent e, LateReason reason, long watermark)
    {
        LateCount++;
        if (_collector.Record)
        {
            _collector.Late.Add((_collector.CurrentIndex, e, reason));
        }
    }

    public void OnEndOfStream() => _collector.EndMarkers++;
}

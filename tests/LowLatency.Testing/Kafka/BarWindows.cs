using LowLatency.Adapters.Kafka;

namespace LowLatency.Testing.Kafka;

/// <summary>
/// A deliberately simple tumbling event-time aggregation per key (a window closes when the key's next tick
/// falls in a later window, or on drain), producing <see cref="Bar"/>s to a <see cref="KafkaSink{T}"/> with
/// the coverage that makes the source's commits safe: inputs held in open windows are not covered.
/// </summary>
/// <remarks>Stage thread only (the <see cref="BarStage"/> that owns it); counters are read by others after a volatile read.</remarks>
public sealed class BarWindows
{
    private readonly KafkaSink<Bar> _sink;
    private readonly long _size;
    private readonly Window[] _open;
    private long _lastSequence = -1;
    private long _ticks;
    private long _bars;
    private long _rejectedKeys;

    public BarWindows(KafkaSink<Bar> sink, long windowSize, int maxKeys)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(windowSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxKeys, 1);
        _sink = sink;
        _size = windowSize;
        _open = new Window[maxKeys];
    }

    public long Ticks => Volatile.Read(ref _ticks);

    public long Bars => Volatile.Read(ref _bars);

    /// <summary>Ticks whose key is outside [0, maxKeys): input from outside is never trusted to index state; counted and skipped.</summary>
    public long RejectedKeys => Volatile.Read(ref _rejectedKeys);

    public void OnTick(in Tick tick, long sequence)
    {
        _lastSequence = sequence;
        if ((uint)tick.Key >= (uint)_open.Length)
        {
            Volatile.Write(ref _rejectedKeys, _rejectedKeys + 1);
            return;
        }

        Volatile.Write(ref _ticks, _ticks + 1);
        long start = tick.Time - (((tick.Time % _size) + _size) % _size);
        ref Window window = ref _open[tick.Key];
        if (window.IsOpen && window.Start != start)
        {
            Bar bar = window.ToBar(tick.Key);
            window = default;
            window.Open(start, in tick, sequence);
            _sink.Produce(in bar, Covered(sequence));
            Volatile.Write(ref _bars, _bars + 1);
            return;
        }

        if (!window.IsOpen)
        {
            window.Open(start, in tick, sequence);
        }
        else
        {
            window.Add(in tick);
        }
    }

    /// <summary>Called at each batch end: every input not held by an open window is covered.</summary>
    public void CoverThrough(long lastSequence) => _sink.Cover(Covered(lastSequence + 1));

    /// <summary>End of stream: every open window fires.</summary>
    public void FireAll()
    {
        for (int key = 0; key < _open.Length; key++)
        {
            ref Window window = ref _open[key];
            if (window.IsOpen)
            {
                Bar bar = window.ToBar(key);
                window = default;
                _sink.Produce(in bar, Covered(_lastSequence + 1));
                Volatile.Write(ref _bars, _bars + 1);
            }
        }
    }

    /// <summary>The highest sequence below <paramref name="ceiling"/> and below every open window's first input.</summary>
    private long Covered(long ceiling)
    {
        long oldest = ceiling;
        foreach (ref readonly Window window in _open.AsSpan())
        {
            if (window.IsOpen && window.FirstSequence < oldest)
            {
                oldest = window.FirstSequence;
            }
        }

        return oldest - 1;
    }

    private struct Window
    {
        public bool IsOpen;
        public long Start;
        public long Count;
        public long FirstSeq;
        public long LastSeq;
        public long Sum;
        public long FirstSequence;

        public void Open(long start, in Tick tick, long sequence)
        {
            IsOpen = true;
            Start = start;
            Count = 1;
            FirstSeq = tick.Seq;
            LastSeq = tick.Seq;
            Sum = tick.Price;
            FirstSequence = sequence;
        }

        public void Add(in Tick tick)
        {
            Count++;
            LastSeq = tick.Seq;
            Sum += tick.Price;
        }

        public readonly Bar ToBar(int key) => new()
        {
            Key = key,
            WindowStart = Start,
            Count = Count,
            FirstSeq = FirstSeq,
            LastSeq = LastSeq,
            SumPrice = Sum,
        };
    }
}

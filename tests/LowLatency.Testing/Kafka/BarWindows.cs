using System.Buffers.Binary;
using LowLatency.Adapters.Kafka;

namespace LowLatency.Testing.Kafka;

/// <summary>
/// A deliberately simple tumbling event-time aggregation per key (a window closes when the key's next tick
/// falls in a later window, or on drain), producing <see cref="Bar"/>s to a <see cref="KafkaSink{T}"/> with
/// the coverage that makes the source's commits safe: inputs held in open windows are not covered, and the windows of
/// a partition the source gave up in a rebalance are dropped (its next owner rebuilds them). Exactly
/// once instead (after <see cref="ProduceExactlyOnce"/>): bars go to the source's
/// <see cref="KafkaExactlyOnce{T}"/> and the open windows are the tasks' state (<see cref="IKafkaTaskState"/>),
/// handed over rather than fired at a stop.
/// </summary>
/// <remarks>
/// Stage thread only (the <see cref="BarStage"/> that owns it), except the <see cref="IKafkaTaskState"/> calls,
/// which the exactly-once owner makes under its lock while no event of that task is in the ring; a task's keys
/// are touched by its events only. Counters are read by others after a volatile read.
/// </remarks>
public sealed class BarWindows : IKafkaTaskState
{
    /// <summary>Bytes of one open window in a task's state: key, start, count, first seq, last seq, sum.</summary>
    public const int StateEntrySize = 44;

    private readonly KafkaSink<Bar>? _sink;
    private readonly long _size;
    private readonly Window[] _open;
    private readonly int[] _taskOfKey; // the partition whose events fed the key's window (−1: none or not tracked)
    private KafkaExactlyOnce<Bar>? _exactlyOnce;
    private KafkaSource<Tick>? _source;
    private long _lastSequence = -1;
    private long _ticks;
    private long _bars;
    private long _rejectedKeys;
    private long _replays;
    private long _handedOver;

    public BarWindows(KafkaSink<Bar>? sink, long windowSize, int maxKeys)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(windowSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxKeys, 1);
        _sink = sink;
        _size = windowSize;
        _open = new Window[maxKeys];
        _taskOfKey = new int[maxKeys];
        Array.Fill(_taskOfKey, -1);
    }

    public long Ticks => Volatile.Read(ref _ticks);

    public long Bars => Volatile.Read(ref _bars);

    /// <summary>Ticks whose key is outside [0, maxKeys): input from outside is never trusted to index state; counted and skipped.</summary>
    public long RejectedKeys => Volatile.Read(ref _rejectedKeys);

    /// <summary>
    /// Open windows dropped because their own inputs arrived again: at least once, a partition revoked and then
    /// assigned back to this worker is redelivered from its committed offset, which is at or before the first
    /// input of every window still open (open windows are never committed past).
    /// </summary>
    public long Replays => Volatile.Read(ref _replays);

    /// <summary>
    /// Open windows dropped because the source gave their partition up in a rebalance (at least once): the partition's
    /// commit was held back to before their first input, so its next owner reads that input again and fires them.
    /// </summary>
    public long HandedOver => Volatile.Read(ref _handedOver);

    /// <summary>
    /// At least once: learns each window's partition from <paramref name="source"/> and drops the windows of the
    /// partitions it gives up (<see cref="KafkaSource{T}.TryTakeRevoked"/>), at batch ends. Call before the pipeline starts.
    /// </summary>
    public void TrackPartitionsOf(KafkaSource<Tick> source) => _source = source;

    /// <summary>Bars go to <paramref name="exactlyOnce"/> from now on (call before the pipeline starts).</summary>
    public void ProduceExactlyOnce(KafkaExactlyOnce<Bar> exactlyOnce) => _exactlyOnce = exactlyOnce;

    public void OnTick(in Tick tick, long sequence)
    {
        _lastSequence = sequence;
        int task = _exactlyOnce?.Track(sequence) ?? _source?.RecordAt(sequence).Partition ?? -1;
        if ((uint)tick.Key >= (uint)_open.Length)
        {
            Volatile.Write(ref _rejectedKeys, _rejectedKeys + 1);
            return;
        }

        Volatile.Write(ref _ticks, _ticks + 1);
        long start = tick.Time - (((tick.Time % _size) + _size) % _size);
        ref Window window = ref _open[tick.Key];
        _taskOfKey[tick.Key] = task;
        if (window.IsOpen && tick.Seq <= window.LastSeq)
        {
            // Folding the redelivered inputs in again would count them twice (a bar whose count disagrees with its
            // sequence range); firing the window would emit a partial bar. The redelivery rebuilds it.
            window = default;
            Volatile.Write(ref _replays, _replays + 1);
        }

        if (window.IsOpen && window.Start != start)
        {
            Bar bar = window.ToBar(tick.Key);
            window = default;
            window.Open(start, in tick, sequence);
            if (_exactlyOnce is not null)
            {
                _exactlyOnce.Produce(in bar, task);
            }
            else
            {
                _sink!.Produce(in bar, Covered(sequence));
            }

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

    /// <summary>Called at each batch end: every input not held by an open window is covered (exactly once: a commit is due?).</summary>
    public void CoverThrough(long lastSequence)
    {
        if (_exactlyOnce is not null)
        {
            _exactlyOnce.OnBatchEnd();
        }
        else
        {
            while (_source?.TryTakeRevoked(out KafkaRevokedPartition revoked) == true)
            {
                DropHandedOver(revoked);
            }

            _sink!.Cover(Covered(lastSequence + 1));
        }
    }

    /// <summary>End of stream: every open window fires. Exactly once, open windows are state handed to the next owner instead.</summary>
    public void FireAll()
    {
        if (_exactlyOnce is not null)
        {
            return;
        }

        for (int key = 0; key < _open.Length; key++)
        {
            ref Window window = ref _open[key];
            if (window.IsOpen)
            {
                Bar bar = window.ToBar(key);
                window = default;
                _sink!.Produce(in bar, Covered(_lastSequence + 1));
                Volatile.Write(ref _bars, _bars + 1);
            }
        }
    }

    public int WriteState(int partition, Span<byte> destination)
    {
        int length = 4;
        int count = 0;
        for (int key = 0; key < _open.Length; key++)
        {
            ref Window window = ref _open[key];
            if (window.IsOpen && _taskOfKey[key] == partition)
            {
                BarCodec.Instance.EncodeValue(window.ToBar(key), destination.Slice(length, StateEntrySize));
                length += StateEntrySize;
                count++;
            }
        }

        BinaryPrimitives.WriteInt32LittleEndian(destination, count);
        return length;
    }

    public void RestoreState(int partition, ReadOnlySpan<byte> state)
    {
        DropState(partition);
        foreach (Bar bar in ReadState(state))
        {
            if ((uint)bar.Key < (uint)_open.Length)
            {
                _open[bar.Key] = Window.Of(in bar);
                _taskOfKey[bar.Key] = partition;
            }
        }
    }

    public void DropState(int partition)
    {
        for (int key = 0; key < _open.Length; key++)
        {
            if (_taskOfKey[key] == partition)
            {
                _open[key] = default;
                _taskOfKey[key] = -1;
            }
        }
    }

    /// <summary>The open windows in a task's state, as bars (what a verifier adds to the output to account for every tick).</summary>
    public static List<Bar> ReadState(ReadOnlySpan<byte> state)
    {
        var bars = new List<Bar>();
        if (state.Length < 4)
        {
            return bars;
        }

        int count = BinaryPrimitives.ReadInt32LittleEndian(state);
        for (int i = 0; i < count; i++)
        {
            Bar bar = default;
            BarCodec.Instance.TryDecode(state.Slice(4 + (i * StateEntrySize), StateEntrySize), ref bar);
            bars.Add(bar);
        }

        return bars;
    }

    private void DropHandedOver(KafkaRevokedPartition revoked)
    {
        for (int key = 0; key < _open.Length; key++)
        {
            ref Window window = ref _open[key];
            if (window.IsOpen && _taskOfKey[key] == revoked.Partition && window.FirstSequence <= revoked.PublishedThrough)
            {
                window = default;
                _taskOfKey[key] = -1;
                Volatile.Write(ref _handedOver, _handedOver + 1);
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

        public static Window Of(in Bar bar) => new()
        {
            IsOpen = true,
            Start = bar.WindowStart,
            Count = bar.Count,
            FirstSeq = bar.FirstSeq,
            LastSeq = bar.LastSeq,
            Sum = bar.SumPrice,
        };

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

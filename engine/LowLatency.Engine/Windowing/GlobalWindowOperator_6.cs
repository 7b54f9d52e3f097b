using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LowLatency.Engine.State;
using LowLatency.Engine.Time;

namespace LowLatency.Engine.Windowing;

/// <summary>
/// One global window per key, emitted when a custom trigger says so (count windows with
/// <see cref="CountTrigger{TEvent, TAcc}"/>). Results carry <c>Start</c> = the earliest event time in the window
/// and <c>End</c> = the latest + 1. Nothing is ever late. Draining emits every window holding events not yet
/// emitted as final, then the end marker.
/// </summary>
/// <typeparam name="TEvent">The input event.</typeparam>
/// <typeparam name="TKey">The key.</typeparam>
/// <typeparam name="TAcc">The accumulator.</typeparam>
/// <typeparam name="TFunction">Time, key and aggregation of an event.</typeparam>
/// <typeparam name="TTrigger">When a key's window fires.</typeparam>
/// <typeparam name="TSink">Where results and the end marker go.</typeparam>
public sealed class GlobalWindowOperator<TEvent, TKey, TAcc, TFunction, TTrigger, TSink> : IWindowOperator<TEvent>
    where TEvent : struct
    where TKey : unmanaged, IEquatable<TKey>
    where TAcc : unmanaged
    where TFunction : struct, IWindowFunction<TEvent, TKey, TAcc>
    where TTrigger : struct, IWindowTrigger<TEvent, TAcc>
    where TSink : struct, IWindowSink<TEvent, TKey, TAcc>
{
    // Mutable structs kept non-readonly on purpose: function, trigger and sink may carry state updated in place.
    private TFunction _function;
    private TTrigger _trigger;
    private TSink _sink;

    private readonly WindowOptions _options;
    private readonly WatermarkTracker _watermark;
    private readonly KeySlotTable<TKey> _keys;
    private readonly TAcc[] _acc;
    private readonly long[] _count;
    private readonly int[] _version;
    private readonly long[] _first;
    private readonly long[] _last;
    private readonly bool[] _pending;     // events since the last result
    private readonly long[] _born;        // key slot → creation order (drain order)
    private readonly long[] _drainBorn;   // scratch for drain ordering
    private readonly int[] _drainSlot;
    private long _bornCounter;
    private bool _ended;
    private WindowResult<TKey, TAcc> _result;

    /// <summary>Creates the operator. Of <paramref name="options"/> only Capacity, WhenFull and Watermark apply.</summary>
    public GlobalWindowOperator(WindowOptions options, TTrigger trigger, TFunction function = default, TSink sink = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options with { Kind = WindowKind.Session, Gap = 1 }; // validated as a keyed, size-less window
        _options.Validate();
        _options = options;
        _trigger = trigger;
        _function = function;
        _sink = sink;
        _watermark = new WatermarkTracker(options.Watermark);
        int capacity = options.Capacity;
        _keys = new KeySlotTable<TKey>(capacity);
        _acc = new TAcc[capacity];
        _count = new long[capacity];
        _version = new int[capacity];
        _first = new long[capacity];
        _last = new long[capacity];
        _pending = new bool[capacity];
        _born = new long[capacity];
        _drainBorn = new long[capacity];
        _drainSlot = new int[capacity];
    }

    /// <summary>The sink (by reference).</summary>
    public ref TSink Sink => ref _sink;

    /// <inheritdoc/>
    public long Watermark => _watermark.Current;

    /// <summary>Events added.</summary>
    public long EventsAccepted { get; private set; }

    /// <summary>Events refused because the key table was full.</summary>
    public long StateFullRejected { get; private set; }

    /// <summary>Results emitted.</summary>
    public long ResultsEmitted { get; private set; }

    /// <summary>Keys with an open window.</summary>
    public int LiveKeys => _keys.Count;

    /// <inheritdoc/>
    public void OnEvent(ref TEvent e) => OnEvent(ref e, 0);

    /// <inheritdoc/>
    public void OnEvent(ref TEvent e, int input)
    {
        long ts = _function.GetTimestamp(in e);
        int k = _keys.GetOrAdd(_function.GetKey(in e), out bool added);
        if (k < 0)
        {
            if (_options.WhenFull == TableFullPolicy.Throw)
            {
                throw new StateTableFullException($"The global window state is full (WindowOptions.Capacity = {_options.Capacity}).");
            }

            StateFullRejected++;
            _sink.OnLate(in e, LateReason.StateFull, _watermark.Current);
        }
        else
        {
            if (added)
            {
                Open(k, ts);
                _born[k] = _bornCounter++;
            }
            else if (_count[k] == 0)
            {
                Open(k, ts);
            }

            _function.Add(ref _acc[k], in e);
            _count[k]++;
            _pending[k] = true;
            _first[k] = Math.Min(_first[k], ts);
            _last[k] = Math.Max(_last[k], ts);
            EventsAccepted++;
            TriggerAction action = _trigger.OnEvent(in e, in _acc[k], _count[k]);
            if (action == TriggerAction.FireAndPurge)
            {
                Emit(k, isFinal: true);
                _count[k] = 0; // the key keeps its slot (and its age) for its next window
            }
            else if (action == TriggerAction.Fire)
            {
                Emit(k, isFinal: false);
            }
        }

        _watermark.OnEvent(input, ts);
    }

    /// <inheritdoc/>
    public void OnWatermark(long watermark, int input = 0) => _watermark.OnWatermark(input, watermark);

    /// <inheritdoc/>
    public void OnProcessingTime(long now) => _watermark.OnProcessingTime(now);

    /// <inheritdoc/>
    public void MarkIdle(int input) => _watermark.MarkIdle(input);

    /// <inheritdoc/>
    public void Drain()
    {
        if (_ended)
        {
            return;
        }

        _watermark.AdvanceToEnd();
        int n = 0;
        for (int k = 0; k < _keys.HighWater; k++)
        {
            if (_keys.IsOccupied(k))
            {
                _drainBorn[n] = _born[k];
                _drainSlot[n++] = k;
            }
        }

        Array.Sort(_drainBorn, _drainSlot, 0, n);
        for (int i = 0; i < n; i++)
        {
            int k = _drainSlot[i];
            if (_count[k] > 0 && _pending[k])
            {
                Emit(k, isFinal: true);
            }
        }

        _keys.Clear();
        _ended = true;
        _sink.OnEndOfStream();
    }

    private void Open(int k, long ts)
    {
        _acc[k] = default;
        _count[k] = 0;
        _version[k] = 0;
        _first[k] = ts;
        _last[k] = ts;
        _pending[k] = false;
    }

    private void Emit(int k, bool isFinal)
    {
        _version[k]++;
        _pending[k] = false;
        _result.Key = _keys.KeyAt(k);
        _result.Start = _first[k];
        _result.End = _last[k] == long.MaxValue ? long.MaxValue : _last[k] + 1;
        _result.Version = _version[k];
        _result.IsFinal = isFinal;
        _result.IsEndOfStream = false;
        _result.Value = _acc[k];
        ResultsEmitted++;
        _sink.OnResult(in _result);
    }

    private static string Identity =>
        $"GlobalWindowOperator/{typeof(TKey).FullName}/{typeof(TAcc).FullName}/{typeof(TTrigger).FullName}/{Unsafe.SizeOf<TKey>()}/{Unsafe.SizeOf<TAcc>()}";

    /// <inheritdoc/>
    public void WriteSnapshot(Stream destination)
    {
        using var body = new MemoryStream();
        using (var writer = new BinaryWriter(body, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            _watermark.Write(writer);
            writer.Write(_ended);
            writer.Write(_bornCounter);
            writer.Write(EventsAccepted);
            writer.Write(StateFullRejected);
            writer.Write(ResultsEmitted);
            writer.Write(_keys.Count);
            for (int k = 0; k < _keys.HighWater; k++)
            {
                if (!_keys.IsOccupied(k))
                {
                    continue;
                }

                TKey key = _keys.KeyAt(k);
                writer.Write(MemoryMarshal.AsBytes(new ReadOnlySpan<TKey>(in key)));
                writer.Write(MemoryMarshal.AsBytes(new ReadOnlySpan<TAcc>(in _acc[k])));
                writer.Write(_count[k]);
                writer.Write(_version[k]);
                writer.Write(_first[k]);
                writer.Write(_last[k]);
                writer.Write(_pending[k]);
                writer.Write(_born[k]);
            }
        }

        SnapshotCodec.Write(destination, Identity, body.GetBuffer().AsSpan(0, (int)body.Length));
    }

    /// <inheritdoc/>
    public void RestoreSnapshot(Stream source)
    {
        byte[] raw = SnapshotCodec.Read(source, Identity);
        _keys.Clear();
        try
        {
            using var reader = new BinaryReader(new MemoryStream(raw, writable: false));
            _watermark.Read(reader);
            _ended = reader.ReadBoolean();
            _bornCounter = reader.ReadInt64();
            EventsAccepted = reader.ReadInt64();
            StateFullRejected = reader.ReadInt64();
            ResultsEmitted = reader.ReadInt64();
            int count = reader.ReadInt32();
            if (count < 0 || count > _acc.Length)
            {
                throw new SnapshotFormatException($"The snapshot holds {count} keys; this operator holds at most {_acc.Length} (WindowOptions.Capacity).");
            }

            Span<byte> keyBytes = stackalloc byte[Unsafe.SizeOf<TKey>()];
            for (int i = 0; i < count; i++)
            {
                reader.BaseStream.ReadExactly(keyBytes);
                int k = _keys.GetOrAdd(MemoryMarshal.Read<TKey>(keyBytes), out bool added);
                if (k < 0 || !added)
                {
                    throw new SnapshotFormatException("The snapshot repeats a key: it is corrupt.");
                }

                reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(new Span<TAcc>(ref _acc[k])));
                _count[k] = reader.ReadInt64();
                _version[k] = reader.ReadInt32();
                _first[k] = reader.ReadInt64();
                _last[k] = reader.ReadInt64();
                _pending[k] = reader.ReadBoolean();
                _born[k] = reader.ReadInt64();
            }
        }
        catch (EndOfStreamException ex)
        {
            _keys.Clear();
            throw new SnapshotFormatException("The snapshot body ends early: it is corrupt.", ex);
        }
        catch (SnapshotFormatException)
        {
            _keys.Clear();
            throw;
        }
    }
}

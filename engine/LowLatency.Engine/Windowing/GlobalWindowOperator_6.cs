using System.Runtime.CompilerServices;
using LowLatency.Engine.State;
using LowLatency.Engine.Time;

namespace LowLatency.Engine.Windowing;

/// <summary>
/// One global window per key, emitted when a custom trigger says so (count windows with
/// <see cref="CountTrigger{TEvent, TAcc}"/>). Results carry <c>Start</c> = the earliest event time in the window
/// and <c>End</c> = the latest + 1. Nothing is ever late. Draining emits every window holding events not yet
/// emitted as final, then the end marker.
/// </summary>
/// <remarks>
/// Pane timing as Beam's global window: trigger firings are <see cref="PaneTiming.Early"/> (a fire-and-purge one
/// is also final); the drain's firings are <see cref="PaneTiming.OnTime"/>, in the order the keys first arrived.
/// </remarks>
/// <typeparam name="TEvent">The input event.</typeparam>
/// <typeparam name="TKey">The key.</typeparam>
/// <typeparam name="TAcc">The accumulator.</typeparam>
/// <typeparam name="TFunction">Time, key and aggregation of an event.</typeparam>
/// <typeparam name="TTrigger">When a key's window fires.</typeparam>
/// <typeparam name="TSink">Where results and the end marker go.</typeparam>
public sealed partial class GlobalWindowOperator<TEvent, TKey, TAcc, TFunction, TTrigger, TSink> : WindowOperator<TEvent, TKey, TAcc, TFunction, TSink>
    where TEvent : struct
    where TKey : unmanaged, IEquatable<TKey>
    where TAcc : unmanaged
    where TFunction : struct, IWindowFunction<TEvent, TKey, TAcc>
    where TTrigger : struct, IWindowTrigger<TEvent, TAcc>
    where TSink : struct, IWindowSink<TEvent, TKey, TAcc>
{
    // Mutable struct kept non-readonly on purpose: the trigger may carry state updated in place.
    private TTrigger _trigger;

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

    /// <summary>Creates the operator. Of <paramref name="options"/> only Capacity, WhenFull and Watermark apply.</summary>
    public GlobalWindowOperator(WindowOptions options, TTrigger trigger, TFunction function = default, TSink sink = default)
        : base(Validated(options), function, sink, processingTime: false, long.MinValue, long.MaxValue)
    {
        _trigger = trigger;
        _core.WakeAt = long.MaxValue; // the watermark fires nothing here: only triggers and the drain do
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

    /// <summary>Keys with an open window.</summary>
    public int LiveKeys => _keys.Count;

    /// <inheritdoc/>
    public override void OnEvent(ref TEvent e, int input, long sequence)
    {
        _core.Sequence = sequence;
        long ts = _core.Function.GetTimestamp(in e);
        long before = _core.Watermark;
        int k = _keys.GetOrAdd(_core.Function.GetKey(in e), out bool added);
        if (k < 0)
        {
            _core.RefuseFull(in e, Options, before);
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

            _core.Function.Add(ref _acc[k], in e);
            _count[k]++;
            _pending[k] = true;
            _first[k] = Math.Min(_first[k], ts);
            _last[k] = Math.Max(_last[k], ts);
            _core.Counters.EventsAccepted++; // nothing is late in a global window
            TriggerAction action = _trigger.OnEvent(in e, in _acc[k], _count[k]);
            if (action == TriggerAction.FireAndPurge)
            {
                Emit(k, PaneTiming.Early, isFinal: true);
                _count[k] = 0; // the key keeps its slot (and its age) for its next window
            }
            else if (action == TriggerAction.Fire)
            {
                Emit(k, PaneTiming.Early, isFinal: false);
            }
        }

        _core.AfterEvent(in e, ts, input, before);
    }

    /// <summary>Only the end of stream (+∞) fires global windows: every key holding events not yet emitted, in the order keys arrived.</summary>
    private protected override void Advance(long before, long after)
    {
        _core.WakeAt = long.MaxValue;
        if (after != Watermarks.EndOfStream)
        {
            return;
        }

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
                Emit(k, PaneTiming.OnTime, isFinal: true);
            }
        }

        _keys.Clear();
    }

    private static WindowOptions Validated(WindowOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        (options with { Kind = WindowKind.Session, Gap = 1 }).Validate(); // validated as a keyed, size-less window
        return options;
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

    private void Emit(int k, PaneTiming timing, bool isFinal)
    {
        _version[k]++;
        _pending[k] = false;
        long end = _last[k] == long.MaxValue ? long.MaxValue : _last[k] + 1;
        _core.Emit(_keys.KeyAt(k), _first[k], end, _version[k], timing, isFinal, in _acc[k]);
    }
}

using System.Runtime.CompilerServices;

namespace LowLatency.Engine.Time;

/// <summary>
/// The watermark of one operator: bounded out-of-orderness per input, explicit and punctuated watermarks,
/// the minimum over active inputs, idleness, and never going back.
/// </summary>
/// <remarks>
/// Single-threaded: owned by the operator and touched only on its stage thread (<see cref="Current"/> may be read
/// from other threads for metrics: a 64-bit field, read whole, possibly a little stale). Idleness is measured in
/// processing time from <see cref="OnProcessingTime"/>, which the stage calls once per batch from its
/// injected <see cref="TimeProvider"/>; an input's idle clock is held at zero while it is back-pressured,
/// since silence then is ours, not the source's.
/// </remarks>
public sealed class WatermarkTracker
{
    private readonly long[] _inputWatermark;
    private readonly long[] _lastActive;
    private readonly bool[] _idle;
    private readonly bool[] _backPressured;
    private readonly bool _bounded;
    private readonly long _boundPlusOne;
    private readonly long _idleTimeout;
    private readonly bool _single;
    private long _watermark = Watermarks.Initial;
    private long _now;
    private bool _clockStarted;   // idle clocks start at the first processing time seen, not at the epoch

    /// <summary>Creates a tracker; <paramref name="options"/> is validated here.</summary>
    public WatermarkTracker(WatermarkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _bounded = options.OutOfOrderness.HasValue;
        _boundPlusOne = (options.OutOfOrderness ?? 0) + 1;
        _idleTimeout = options.IdleTimeout ?? long.MaxValue;
        _single = options.Inputs == 1;
        _inputWatermark = new long[options.Inputs];
        _lastActive = new long[options.Inputs];
        _idle = new bool[options.Inputs];
        _backPressured = new bool[options.Inputs];
        Array.Fill(_inputWatermark, Watermarks.Initial);
    }

    /// <summary>The operator's watermark: no event with a time ≤ this is expected.</summary>
    public long Current => _watermark;

    /// <summary>True for one input with bounded out-of-orderness: each event's watermark is then its time − (B + 1), never going back.</summary>
    internal bool IsSingleBounded => _single && _bounded;

    /// <summary>B + 1 (B: the bounded out-of-orderness).</summary>
    internal long BoundPlusOne => _boundPlusOne;

    /// <summary>Inputs.</summary>
    public int Inputs => _inputWatermark.Length;

    /// <summary>The last processing time seen (host ticks).</summary>
    public long ProcessingTime => _now;

    /// <summary>True when <paramref name="input"/> is excluded from the minimum as idle.</summary>
    public bool IsIdle(int input) => _idle[input];

    /// <summary>The watermark of one input.</summary>
    public long InputWatermark(int input) => _single ? _watermark : _inputWatermark[input];

    /// <summary>An event with time <paramref name="timestamp"/> was handled on input 0 (bounded out-of-orderness).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void OnEvent(long timestamp)
    {
        if (_single)
        {
            if (_bounded)
            {
                long candidate = TickMath.SaturatingSubtract(timestamp, _boundPlusOne);
                if (candidate > _watermark)
                {
                    _watermark = candidate; // one input: its watermark is the operator's (InputWatermark reads it)
                }
            }
        }
        else
        {
            OnEventSlow(0, timestamp);
        }
    }

    /// <summary>An event with time <paramref name="timestamp"/> was handled on <paramref name="input"/>.</summary>
    public void OnEvent(int input, long timestamp)
    {
        if (_single && input == 0)
        {
            OnEvent(timestamp);
        }
        else
        {
            OnEventSlow(input, timestamp);
        }
    }

    /// <summary>An explicit or punctuated watermark for <paramref name="input"/>; lower than before is ignored.</summary>
    public void OnWatermark(int input, long watermark)
    {
        if (_single)
        {
            _inputWatermark[0] = _watermark; // re-sync the slot the fast path does not write
        }

        if (watermark > _inputWatermark[input])
        {
            _inputWatermark[input] = watermark;
        }

        Recompute();
    }

    /// <summary>A source that knows it is caught up declares <paramref name="input"/> idle until its next event.</summary>
    public void MarkIdle(int input)
    {
        _idle[input] = true;
        Recompute();
    }

    /// <summary>Tells whether <paramref name="input"/> is back-pressured (its silence then does not count as idle).</summary>
    public void SetBackPressured(int input, bool backPressured)
    {
        _backPressured[input] = backPressured;
        _lastActive[input] = _now;
    }

    /// <summary>Processing time advanced to <paramref name="now"/> (host ticks): inputs may turn idle.</summary>
    public void OnProcessingTime(long now)
    {
        if (!_clockStarted)
        {
            _clockStarted = true;
            _now = now;
            Array.Fill(_lastActive, now);
        }
        else if (now > _now)
        {
            _now = now;
        }

        if (_idleTimeout == long.MaxValue)
        {
            return;
        }

        bool changed = false;
        for (int i = 0; i < _idle.Length; i++)
        {
            if (_backPressured[i])
            {
                _lastActive[i] = _now;
            }
            else if (!_idle[i] && _now - _lastActive[i] >= _idleTimeout)
            {
                _idle[i] = true;
                changed = true;
            }
        }

        if (changed)
        {
            Recompute();
        }
    }

    /// <summary>End of stream: the watermark becomes +∞.</summary>
    public void AdvanceToEnd() => _watermark = Watermarks.EndOfStream;

    internal void Write(BinaryWriter writer)
    {
        if (_single)
        {
            _inputWatermark[0] = _watermark;
        }

        writer.Write(_watermark);
        writer.Write(_now);
        writer.Write(_clockStarted);
        writer.Write(_inputWatermark.Length);
        for (int i = 0; i < _inputWatermark.Length; i++)
        {
            writer.Write(_inputWatermark[i]);
            writer.Write(_lastActive[i]);
            writer.Write(_idle[i]);
            writer.Write(_backPressured[i]);
        }
    }

    internal void Read(BinaryReader reader)
    {
        _watermark = reader.ReadInt64();
        _now = reader.ReadInt64();
        _clockStarted = reader.ReadBoolean();
        int inputs = reader.ReadInt32();
        if (inputs != _inputWatermark.Length)
        {
            throw new InvalidDataException($"The snapshot has {inputs} watermark inputs; this operator has {_inputWatermark.Length}.");
        }

        for (int i = 0; i < inputs; i++)
        {
            _inputWatermark[i] = reader.ReadInt64();
            _lastActive[i] = reader.ReadInt64();
            _idle[i] = reader.ReadBoolean();
            _backPressured[i] = reader.ReadBoolean();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void OnEventSlow(int input, long timestamp)
    {
        _lastActive[input] = _now;
        bool wasIdle = _idle[input];
        _idle[input] = false;
        if (_bounded)
        {
            long candidate = TickMath.SaturatingSubtract(timestamp, _boundPlusOne);
            if (candidate > _inputWatermark[input])
            {
                _inputWatermark[input] = candidate;
            }
            else if (!wasIdle)
            {
                return;
            }
        }

        Recompute();
    }

    private void Recompute()
    {
        long min = long.MaxValue;
        bool any = false;
        for (int i = 0; i < _inputWatermark.Length; i++)
        {
            if (!_idle[i])
            {
                any = true;
                if (_inputWatermark[i] < min)
                {
                    min = _inputWatermark[i];
                }
            }
        }

        if (any && min > _watermark)
        {
            _watermark = min;
        }
    }
}

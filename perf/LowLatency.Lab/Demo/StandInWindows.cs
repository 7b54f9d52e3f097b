using System.Diagnostics;
using System.Runtime.CompilerServices;
using LowLatency.Lab.Feed;

namespace LowLatency.Lab.Demo;

/// <summary>
/// TEMPORARY STAND-IN for the engine's windowing operators (LowLatency.Engine.Windowing, issue 4), kept
/// to the minimum the demo needs: 1 s tumbling OHLC+VWAP and 5 s / 1 s hopping volume per symbol, in event
/// time with a bounded-out-of-orderness watermark, allowed lateness 0, fired on close. It follows
/// DESIGN.md §4 (W = max(W, maxTs − B − 1) after every event; a tick is judged against W as it stood
/// before it; a window fires right after the tick that moves W to end − 1 or beyond; draining fires all).
/// </summary>
/// <remarks>
/// All windows are aligned (offset 0) and share their boundaries across symbols, so firing walks every
/// symbol once per slide; per-tick work is one tumbling slot and one pane update. State is pre-sized
/// arrays: nothing is allocated per tick or per symbol. Stage thread only, except the counters.
/// </remarks>
internal sealed class StandInWindows
{
    private const int TumblingSlots = 4; // open tumbling windows per symbol: ≤ 2 while B < size.
    private const int PaneSlots = 8; // live panes per symbol: the 5 of the newest hopping window plus the open ones.
    private const int PanesPerHop = 5; // hopping size / slide.
    private const int SampleSymbols = 3;

    private readonly DemoCounters _counters;
    private readonly int _symbols;
    private readonly long _size;
    private readonly long _bound;

    private readonly long[] _barIndex;
    private readonly double[] _open;
    private readonly double[] _high;
    private readonly double[] _low;
    private readonly double[] _close;
    private readonly double[] _priceVolume;
    private readonly long[] _volume;
    private readonly long[] _count;

    private readonly long[] _paneIndex;
    private readonly long[] _paneVolume;

    private readonly double[] _lastVwap;

    private readonly WindowResult[] _samples = new WindowResult[SampleSymbols + 1];

    private long _watermark = long.MinValue;
    private long _maxTimestamp = long.MinValue;
    private long _nextFire = long.MinValue;
    private long _maxIndex = long.MinValue;

    private long _late;
    private long _emitted;

    // True while draining: end-of-stream results are emitted and counted but not kept as samples (they are
    // partial windows cut by the end of the run, not representative ones).
    private bool _draining;

    public StandInWindows(DemoCounters counters, int symbols, TimeSpan size, TimeSpan outOfOrderBound)
    {
        _counters = counters;
        _symbols = symbols;
        _size = (long)size.TotalNanoseconds;
        _bound = (long)outOfOrderBound.TotalNanoseconds;
        if (_bound >= _size)
        {
            throw new ArgumentOutOfRangeException(nameof(outOfOrderBound), outOfOrderBound, "The stand-in windows need the out-of-order bound below the window size.");
        }

        _barIndex = new long[symbols * TumblingSlots];
        _open = new double[symbols * TumblingSlots];
        _high = new double[symbols * TumblingSlots];
        _low = new double[symbols * TumblingSlots];
        _close = new double[symbols * TumblingSlots];
        _priceVolume = new double[symbols * TumblingSlots];
        _volume = new long[symbols * TumblingSlots];
        _count = new long[symbols * TumblingSlots];
        _paneIndex = new long[symbols * PaneSlots];
        _paneVolume = new long[symbols * PaneSlots];
        _lastVwap = new double[symbols];
        Array.Fill(_barIndex, long.MinValue);
        Array.Fill(_paneIndex, long.MinValue);
    }

    /// <summary>The latest bars of the three hottest symbols and the latest hopping volume of the hottest, before the drain. Read after the stage stopped.</summary>
    public ReadOnlySpan<WindowResult> Samples => _samples;

    /// <summary>The current watermark (ns). Stage thread only.</summary>
    public long Watermark => _watermark;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void OnTick(ref MarketTick tick)
    {
        long ts = tick.EventTimeNs;
        long index = FloorDiv(ts, _size);
        if (_nextFire == long.MinValue)
        {
            // The first tick: no on-time tick can belong to a window before this one's, less the bound.
            _nextFire = FloorDiv(ts - _bound, _size);
        }

        int symbol = tick.Symbol;
        if (((index + 1) * _size) - 1 <= _watermark || index < _nextFire)
        {
            OnLateSlow(ref tick, index);
        }
        else
        {
            Aggregate(symbol, index, tick.Price, tick.Quantity);
        }

        tick.ReferenceVwap = _lastVwap[symbol];
        tick.RollingVolume = RollingVolume(symbol, Math.Max(index, _nextFire - 1));

        if (ts > _maxTimestamp)
        {
            _maxTimestamp = ts;
            long watermark = ts - _bound - 1;
            if (watermark > _watermark)
            {
                _watermark = watermark;
                while (((_nextFire + 1) * _size) - 1 <= _watermark)
                {
                    Fire(_nextFire++);
                }
            }
        }
    }

    /// <summary>End of stream: the watermark goes to +∞ and every window fires.</summary>
    public void FireAll()
    {
        _watermark = long.MaxValue;
        _draining = true;
        if (_nextFire == long.MinValue)
        {
            return;
        }

        // Hopping windows keep firing until the last pane has left the newest one.
        while (_nextFire <= _maxIndex + PanesPerHop - 1)
        {
            Fire(_nextFire++);
        }
    }

    /// <summary>Makes the counters visible to the monitor (once per batch).</summary>
    public void PublishCounters()
    {
        Volatile.Write(ref _counters.Late, _late);
        Volatile.Write(ref _counters.WindowsEmitted, _emitted);
    }

    private void Aggregate(int symbol, long index, double price, long quantity)
    {
        if (index > _maxIndex)
        {
            _maxIndex = index;
        }

        int slot = (symbol * TumblingSlots) + (int)(index & (TumblingSlots - 1));
        if (_barIndex[slot] != index)
        {
            Debug.Assert(_count[slot] == 0, "a tumbling slot is reused only after its window fired");
            _barIndex[slot] = index;
            _open[slot] = price;
            _high[slot] = price;
            _low[slot] = price;
        }
        else
        {
            _high[slot] = Math.Max(_high[slot], price);
            _low[slot] = Math.Min(_low[slot], price);
        }

        _close[slot] = price;
        _priceVolume[slot] += price * quantity;
        _volume[slot] += quantity;
        _count[slot]++;

        AddToPane(symbol, index, quantity);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void OnLateSlow(ref MarketTick tick, long index)
    {
        // Too late for its tumbling bar. Hopping windows that contain it and have not fired still take it;
        // if none is left it is late for every window, and goes to the late count (the side output).
        _late++;
        if (((index + PanesPerHop) * _size) - 1 > _watermark)
        {
            AddToPane(tick.Symbol, index, tick.Quantity);
        }
    }

    private void AddToPane(int symbol, long index, long quantity)
    {
        int pane = (symbol * PaneSlots) + (int)(index & (PaneSlots - 1));
        if (_paneIndex[pane] != index)
        {
            _paneIndex[pane] = index;
            _paneVolume[pane] = 0;
        }

        _paneVolume[pane] += quantity;
    }

    private long RollingVolume(int symbol, long lastPane)
    {
        long volume = 0;
        for (long p = lastPane - PanesPerHop + 1; p <= lastPane; p++)
        {
            int pane = (symbol * PaneSlots) + (int)(p & (PaneSlots - 1));
            if (_paneIndex[pane] == p)
            {
                volume += _paneVolume[pane];
            }
        }

        return volume;
    }

    /// <summary>Fires tumbling window <paramref name="index"/> and the hopping window that ends with the same pane.</summary>
    private void Fire(long index)
    {
        long start = index * _size;
        long end = start + _size;
        for (int symbol = 0; symbol < _symbols; symbol++)
        {
            int slot = (symbol * TumblingSlots) + (int)(index & (TumblingSlots - 1));
            if (_barIndex[slot] == index && _count[slot] > 0)
            {
                double vwap = _priceVolume[slot] / _volume[slot];
                _lastVwap[symbol] = vwap;
                _emitted++;
                if (symbol < SampleSymbols && !_draining)
                {
                    _samples[symbol] = new WindowResult(symbol, start, end, _open[slot], _high[slot], _low[slot], _close[slot], vwap, _volume[slot], _count[slot], "tumbling-1s");
                }

                _barIndex[slot] = long.MinValue;
                _priceVolume[slot] = 0;
                _volume[slot] = 0;
                _count[slot] = 0;
            }

            long hopVolume = RollingVolume(symbol, index);
            if (hopVolume > 0)
            {
                _emitted++;
                if (symbol == 0 && !_draining)
                {
                    _samples[SampleSymbols] = new WindowResult(symbol, end - (PanesPerHop * _size), end, 0, 0, 0, 0, 0, hopVolume, 0, "hopping-5s/1s");
                }
            }
        }
    }

    private static long FloorDiv(long value, long divisor)
    {
        long quotient = Math.DivRem(value, divisor, out long remainder);
        return remainder < 0 ? quotient - 1 : quotient;
    }
}

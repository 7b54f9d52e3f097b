using LowLatency.Engine.Windowing;

namespace LowLatency.Testing.Windowing;

/// <summary>
/// A brute-force model of DESIGN.md §4 for tumbling, hopping and session windows: every window keeps the list
/// of its events (no panes, no tables, no merging shortcuts) and is recomputed from scratch at each emission.
/// Arithmetic in <see cref="Int128"/> so +∞ needs no care. Slow on purpose; only for tests.
/// </summary>
public sealed class WindowReferenceModel
{
    private sealed class Window
    {
        public long Key;
        public long Start;
        public long End;
        public List<TestTrade> Events { get; } = new();
        public int Version;
        public bool LastFinal;
        public bool ChangedSinceEarly;
        public int Born;
    }

    private readonly WindowOptions _options;
    private readonly long _bound;
    private readonly List<Window> _windows = new();
    private Int128 _w = long.MinValue;
    private long _now;
    private long _nextEarly = long.MinValue;
    private int _born;

    public WindowReferenceModel(WindowOptions options)
    {
        _options = options;
        _bound = options.Watermark.OutOfOrderness ?? -1;
    }

    public List<ExpectedResult> Results { get; } = new();

    public List<(int Index, LateReason Reason)> Late { get; } = new();

    public int EndMarkers { get; private set; }

    public void Run(IReadOnlyList<ScriptStep> script)
    {
        for (int i = 0; i < script.Count; i++)
        {
            Step(i, script[i]);
        }
    }

    private Int128 L => _options.AllowedLateness;

    private bool Fired(Window w) => w.End - 1 <= _w;

    private bool Purged(Window w, Int128 watermark) => w.End - 1 + L <= watermark;

    public void Step(int index, ScriptStep step)
    {
        switch (step.Kind)
        {
            case ScriptKind.Event:
                OnEvent(index, step.Trade);
                break;
            case ScriptKind.Watermark:
                AdvanceTo(index, Max(_w, step.Time));
                break;
            case ScriptKind.ProcessingTime:
                _now = Math.Max(_now, step.Time);
                if (_options.Emission == EmissionMode.EarlyEveryPeriod && _now >= _nextEarly)
                {
                    _nextEarly = _nextEarly == long.MinValue ? _now + _options.EarlyPeriod : Math.Max(_nextEarly + _options.EarlyPeriod, _now);
                    foreach (Window w in Ordered())
                    {
                        if (w.ChangedSinceEarly && !Fired(w))
                        {
                            Emit(index, w, false);
                        }

                        w.ChangedSinceEarly = false;
                    }
                }

                break;
            case ScriptKind.Drain:
                AdvanceTo(index, long.MaxValue);
                EndMarkers++;
                break;
        }
    }

    private static Int128 Max(Int128 a, Int128 b) => a > b ? a : b;

    private IEnumerable<Window> Ordered() => _windows.OrderBy(w => w.End).ThenBy(w => w.Start).ThenBy(w => w.Born).ToList();

    private void OnEvent(int index, TestTrade t)
    {
        Int128 before = _w;
        if (_options.Kind == WindowKind.Session)
        {
            OnSessionEvent(index, t, before);
        }
        else
        {
            OnTimeEvent(index, t, before);
        }

        Int128 after = _w;
        if (_bound >= 0)
        {
            after = Max(after, (Int128)t.Timestamp - _bound - 1);
        }

        if (t.Punctuation != long.MinValue)
        {
            after = Max(after, t.Punctuation);
        }

        AdvanceTo(index, after);
    }

    private void OnTimeEvent(int index, TestTrade t, Int128 before)
    {
        long slide = _options.Kind == WindowKind.Tumbling ? _options.Size : _options.Slide;
        long lastStart = t.Timestamp - FloorMod(t.Timestamp - _options.Offset, slide);
        var targets = new List<(long Start, long End)>();
        for (long s = lastStart; s > t.Timestamp - _options.Size; s -= slide)
        {
            if ((Int128)s + _options.Size - 1 + L > before)
            {
                targets.Add((s, s + _options.Size));
            }
        }

        if (targets.Count == 0)
        {
            Late.Add((index, LateReason.WindowClosed));
            return;
        }

        foreach ((long start, long end) in targets.OrderBy(x => x.End))
        {
            Window? w = _windows.Find(x => x.Key == t.Symbol && x.Start == start);
            if (w is null)
            {
                w = new Window { Key = t.Symbol, Start = start, End = end, Born = _born++ };
                _windows.Add(w);
            }

            w.Events.Add(t);
            w.ChangedSinceEarly = true;
            bool firedBefore = w.End - 1 <= before;
            if (_options.Emission == EmissionMode.OnEveryUpdate || firedBefore)
            {
                Emit(index, w, false);
            }
        }
    }

    private void OnSessionEvent(int index, TestTrade t, Int128 before)
    {
        long start = t.Timestamp;
        long end = t.Timestamp + _options.Gap;
        var merged = _windows.Where(w => w.Key == t.Symbol && w.Start <= end && start <= w.End).OrderBy(w => w.Start).ToList();
        long mStart = merged.Count == 0 ? start : Math.Min(start, merged[0].Start);
        long mEnd = merged.Count == 0 ? end : Math.Max(end, merged.Max(w => w.End));
        if ((Int128)mEnd - 1 + L <= before)
        {
            Late.Add((index, LateReason.WindowClosed));
            return;
        }

        Window target;
        if (merged.Count == 1 && merged[0].Start == mStart && merged[0].End == mEnd)
        {
            target = merged[0];
        }
        else
        {
            target = new Window { Key = t.Symbol, Start = mStart, End = mEnd, Born = merged.Count == 0 ? _born++ : merged.Min(w => w.Born) };
            foreach (Window m in merged)
            {
                target.Events.AddRange(m.Events);
                target.Version = Math.Max(target.Version, m.Version);
                _windows.Remove(m);
            }

            _windows.Add(target);
        }

        target.Events.Add(t);
        target.ChangedSinceEarly = true;
        if (_options.Emission == EmissionMode.OnEveryUpdate || target.End - 1 <= before)
        {
            Emit(index, target, false);
        }
    }

    private void AdvanceTo(int index, Int128 after)
    {
        Int128 before = _w;
        if (after <= before)
        {
            return;
        }

        _w = after;
        if (_options.Emission != EmissionMode.OnEveryUpdate)
        {
            foreach (Window w in Ordered())
            {
                if (w.End - 1 > before && w.End - 1 <= after)
                {
                    Emit(index, w, Purged(w, after));
                }
            }
        }

        foreach (Window w in Ordered())
        {
            if (Purged(w, after))
            {
                if (!w.LastFinal && w.Version > 0)
                {
                    Emit(index, w, true);
                }

                _windows.Remove(w);
            }
        }
    }

    private void Emit(int index, Window w, bool isFinal)
    {
        var bar = default(TradeBar);
        var f = default(TradeBarFunction);
        foreach (TestTrade t in w.Events)
        {
            f.Add(ref bar, in t);
        }

        w.Version++;
        w.LastFinal = isFinal;
        Results.Add(new ExpectedResult(index, w.Key, w.Start, w.End, w.Version, isFinal, bar.Ohlc.Count, bar.Ohlc.Open, bar.Ohlc.High,
            bar.Ohlc.Low, bar.Ohlc.Close, bar.Vwap.Notional, bar.Vwap.Volume));
    }

    private static long FloorMod(long x, long m)
    {
        long r = x % m;
        return r < 0 ? r + m : r;
    }
}

using LowLatency.Engine.Windowing;

namespace LowLatency.Testing.Windowing;

/// <summary>
/// A brute-force model of DESIGN.md §4 for tumbling, hopping (any size, slide and offset) and session windows:
/// every window keeps the list of its events (no panes, no tables, no merging shortcuts) and is recomputed from
/// scratch at each emission, with its pane timing and the sequence of the event after which it was emitted.
/// Arithmetic in <see cref="Int128"/> so neither ±∞ nor the ends of Int64 need care: a window that cannot be
/// represented in Int64 makes its event refused. Slow on purpose; only for tests.
/// </summary>
public sealed class WindowReferenceModel
{
    private sealed class Window
    {
        public long Key;
        public Int128 Start;
        public Int128 End;
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
    private long _sequence = TriggerSequences.None;

    public WindowReferenceModel(WindowOptions options)
    {
        _options = options;
        _bound = options.Watermark.OutOfOrderness ?? -1;
    }

    public List<ExpectedResult> Results { get; } = new();

    public List<(int Index, LateReason Reason)> Late { get; } = new();

    /// <summary>(event, window) pairs refused as too late for events other windows accepted.</summary>
    public long PartialDrops { get; private set; }

    public int EndMarkers { get; private set; }

    /// <summary>Events added to a window.</summary>
    public long Accepted { get; private set; }

    /// <summary>Accepted events at or behind the watermark they arrived at.</summary>
    public long LateAccepted { get; private set; }

    public long Watermark => (long)Int128.Min(_w, long.MaxValue);

    public void Run(IReadOnlyList<ScriptStep> script)
    {
        for (int i = 0; i < script.Count; i++)
        {
            Step(i, script[i]);
        }
    }

    private Int128 L => _options.AllowedLateness;

    private bool Purged(Window w, Int128 watermark) => w.End - 1 + L <= watermark;

    /// <summary>Handles one step; events get the next sequence (0, 1, ...), as an operator without explicit sequences does.</summary>
    public void Step(int index, ScriptStep step)
    {
        switch (step.Kind)
        {
            case ScriptKind.Event:
                _sequence++;
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
                        if (w.ChangedSinceEarly && w.End - 1 > _w)
                        {
                            Emit(index, w, PaneTiming.Early, false);
                        }

                        w.ChangedSinceEarly = false;
                    }
                }

                break;
            case ScriptKind.Drain:
                _sequence = TriggerSequences.Drain;
                AdvanceTo(index, long.MaxValue);
                EndMarkers++;
                break;
        }
    }

    private static Int128 Max(Int128 a, Int128 b) => a > b ? a : b;

    private List<Window> Ordered() => _windows.OrderBy(w => w.End).ThenBy(w => w.Start).ThenBy(w => w.Born).ToList();

    private void OnEvent(int index, TestTrade t)
    {
        Int128 before = _w;
        bool handled = _options.Kind == WindowKind.Session ? OnSessionEvent(index, t, before) : OnTimeEvent(index, t, before);
        if (!handled)
        {
            return; // refused as out of range: it moves nothing
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

    private bool OnTimeEvent(int index, TestTrade t, Int128 before)
    {
        long size = _options.Size;
        long slide = _options.Kind == WindowKind.Tumbling ? size : _options.Slide;
        Int128 ts = t.Timestamp;
        var all = new List<(Int128 Start, Int128 End)>();
        Int128 r = (ts - _options.Offset) % slide;
        for (Int128 s = ts - (r < 0 ? r + slide : r); s > ts - size; s -= slide)
        {
            all.Add((s, s + size));
        }

        if (all.Exists(x => x.Start < long.MinValue || x.End > long.MaxValue))
        {
            Late.Add((index, LateReason.TimestampOutOfRange));
            return false;
        }

        if (all.Count == 0)
        {
            Late.Add((index, LateReason.Unassigned));
            return true;
        }

        var targets = all.Where(x => x.End - 1 + L > before).OrderBy(x => x.End).ToList();
        if (targets.Count == 0)
        {
            Late.Add((index, LateReason.WindowClosed));
            return true;
        }

        PartialDrops += all.Count - targets.Count;
        CountAccepted(ts, before);
        foreach ((Int128 start, Int128 end) in targets)
        {
            Window? w = _windows.Find(x => x.Key == t.Symbol && x.Start == start);
            if (w is null)
            {
                w = new Window { Key = t.Symbol, Start = start, End = end, Born = _born++ };
                _windows.Add(w);
            }

            w.Events.Add(t);
            w.ChangedSinceEarly = true;
            bool fired = w.End - 1 <= before;
            if (_options.Emission == EmissionMode.OnEveryUpdate || fired)
            {
                Emit(index, w, fired ? PaneTiming.Late : PaneTiming.Early, false);
            }
        }

        return true;
    }

    private bool OnSessionEvent(int index, TestTrade t, Int128 before)
    {
        Int128 start = t.Timestamp;
        Int128 end = start + _options.Gap;
        if (end > long.MaxValue)
        {
            Late.Add((index, LateReason.TimestampOutOfRange));
            return false;
        }

        var merged = _windows.Where(w => w.Key == t.Symbol && w.Start <= end && start <= w.End).OrderBy(w => w.Start).ToList();
        Int128 mStart = merged.Count == 0 ? start : Int128.Min(start, merged[0].Start);
        Int128 mEnd = merged.Count == 0 ? end : Int128.Max(end, merged.Max(w => w.End));
        if (mEnd - 1 + L <= before)
        {
            Late.Add((index, LateReason.WindowClosed));
            return true;
        }

        CountAccepted(t.Timestamp, before);
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
        bool fired = target.End - 1 <= before;
        if (_options.Emission == EmissionMode.OnEveryUpdate || fired)
        {
            Emit(index, target, fired ? PaneTiming.Late : PaneTiming.Early, false);
        }

        return true;
    }

    private void CountAccepted(Int128 timestamp, Int128 before)
    {
        Accepted++;
        if (timestamp <= before)
        {
            LateAccepted++;
        }
    }

    private void AdvanceTo(int index, Int128 after)
    {
        if (after >= long.MaxValue)
        {
            after = Int128.MaxValue; // long.MaxValue is end of stream (+∞): every window fires and purges
        }

        Int128 before = _w;
        if (after <= before)
        {
            return;
        }

        _w = after;
        foreach (Window w in Ordered())
        {
            if (w.End - 1 > before && w.End - 1 <= after)
            {
                Emit(index, w, PaneTiming.OnTime, Purged(w, after)); // on time, in every emission mode
            }
        }

        foreach (Window w in Ordered())
        {
            if (Purged(w, after))
            {
                if (!w.LastFinal && w.Version > 0)
                {
                    Emit(index, w, PaneTiming.Late, true);
                }

                _windows.Remove(w);
            }
        }
    }

    private void Emit(int index, Window w, PaneTiming timing, bool isFinal)
    {
        var bar = default(TradeBar);
        var f = default(TradeBarFunction);
        foreach (TestTrade t in w.Events)
        {
            f.Add(ref bar, in t);
        }

        w.Version++;
        w.LastFinal = isFinal;
        Results.Add(new ExpectedResult(index, w.Key, (long)w.Start, (long)w.End, w.Version, isFinal, timing, _sequence, bar.Ohlc.Count, bar.Ohlc.Open,
            bar.Ohlc.High, bar.Ohlc.Low, bar.Ohlc.Close, bar.Vwap.Notional, bar.Vwap.Volume));
    }
}

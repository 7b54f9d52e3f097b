using BenchmarkDotNet.Attributes;
using LowLatency.Engine.State;
using LowLatency.Engine.Windowing;

namespace LowLatency.Benchmarks.Windowing;

/// <summary>
/// How fast could any session operator run the lab's <c>window-session</c> stream on this machine? Stripped kernels
/// beside the operator, on the same trades (10,000 symbols, gap 50 ms, a trade every 5 µs up to 0.5 ms out of order,
/// B = 1 ms). Each kernel does less than a correct operator must: the symbol is the session's slot (no key table, but for
/// <see cref="ExactCalendarKeyed"/>), and there are no merges, lateness, range checks, full state, counters, sink or
/// snapshots. What they keep, from least to most:
/// <list type="bullet">
/// <item><see cref="NoTimers"/>: an event extends its key's session or, past the gap, emits it and opens the next. No
/// watermark: a session emits when its key's next session opens, the rest at the end.</item>
/// <item><see cref="LateTimers"/>: a watermark and a ring of buckets 2^19 ns wide (about gap / 95), appended to when a
/// session's end moves to another bucket and never unlinked; a bucket is swept (stale entries skipped) once the
/// watermark has passed all of it. Sessions fire up to a bucket late, in no set order.</item>
/// <item><see cref="ExactHeap"/>: on time and in (end − 1, age) order, as DESIGN §4 asks: when the watermark enters a
/// bucket its live entries go into the engine's <see cref="IndexedMinHeap"/>, and fire from it the moment the
/// watermark reaches their end − 1 (the engine's due side until stop 23, on lazy buckets).</item>
/// <item><see cref="ExactCalendar()"/>: the same through the engine's own timer queue, <see cref="CalendarQueue{TEntry}"/>
/// (intrusive buckets; the bucket the watermark reaches sorted into a run, fired from the front); and
/// <see cref="ExactCalendarKeyed"/>, the same with the engine's key table in front, as the operator has.</item>
/// <item><see cref="ExactNarrow"/>: the same without a heap or a run: buckets 2^14 ns wide (about 3 trades); each
/// advance that reaches a live entry gathers the due ones and sorts them by insertion.</item>
/// </list>
/// Every kernel checks that it emitted each trade once.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(BenchConfig))]
public class SessionFloorBenchmarks
{
    private const int Events = 1 << 21;
    private const int Keys = 10_000;
    private const int KeyCapacity = 12 * Keys / 10;
    private const long Gap = 50_000_000;
    private const long BoundPlusOne = 1_000_001;  // B + 1, as TradeStream.Watermark
    private const int PrefetchDistance = 8;       // trades between a key's prefetch and its lookup, as the operator's

    private Trade[] _trades = null!;
    private SessionWindowOperator<Trade, long, VwapAccumulator, TradeVwap, ResultCounter> _session = null!;
    private IndexedMinHeap _heap = null!;
    private Session[] _sessions = null!;
    private long[] _entries = null!;   // bucket ring: (age << 32) | slot, a fixed stretch per bucket
    private int[] _counts = null!;
    private int[] _due = null!;
    private CalendarQueue<Session> _calendar = null!;
    private KeySlotTable<long, int> _keys = null!; // as the operator's (a value beside each bucket), though the slot is all this reads

    [GlobalSetup]
    public void Setup()
    {
        _trades = TradeStream.Create(Events, Keys, step: Gap / Keys);
        _sessions = new Session[KeyCapacity];
        _entries = new long[Math.Max(Ring.Coarse.Size, Ring.Narrow.Size)];
        _counts = new int[Ring.Narrow.Buckets];
        _due = new int[KeyCapacity];
    }

    [IterationSetup]
    public void Reset()
    {
        _session = new(WindowOptions.Session(Gap) with { Watermark = TradeStream.Watermark, Capacity = 4 * Keys, KeyCapacity = KeyCapacity });
        _heap = new IndexedMinHeap(KeyCapacity);
        Array.Clear(_sessions);
        Array.Clear(_counts);
        _calendar = new CalendarQueue<Session>(_sessions, Gap / 256);
        _keys = new KeySlotTable<long, int>(KeyCapacity);
    }

    /// <summary>The engine's session operator, configured as the lab's row.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Events)]
    public long Operator()
    {
        _session.OnBatch(_trades, 0, 0);
        _session.Drain();
        return _session.Sink.Results;
    }

    /// <summary>Per event, the key's session extended or emitted and reopened; per session, one emission.</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public long NoTimers()
    {
        var sink = default(Emitted);
        long age = 0;
        foreach (ref readonly Trade t in _trades.AsSpan())
        {
            Assign(ref _sessions[(int)t.Symbol], in t, ref sink, ref age);
        }

        return EmitOpen(ref sink);
    }

    /// <summary><see cref="NoTimers"/>, and sessions fire from a lazily cleaned bucket ring, up to a bucket late.</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public long LateTimers()
    {
        Ring ring = Ring.Coarse;
        var sink = default(Emitted);
        long age = 0;
        long watermark = long.MinValue;
        long swept = long.MinValue; // the first bucket not swept
        foreach (ref readonly Trade t in _trades.AsSpan())
        {
            int slot = (int)t.Symbol;
            Queue(ring, slot, Assign(ref _sessions[slot], in t, ref sink, ref age));
            if (Advanced(in t, ref watermark))
            {
                long passed = ((watermark + 1) >> ring.Shift) - 1; // the last bucket the watermark has wholly passed
                for (swept = swept == long.MinValue ? passed + 1 : swept; swept <= passed; swept++)
                {
                    foreach (long entry in Take(ring, swept))
                    {
                        if (IsLiveIn(ring, entry, swept, out int id))
                        {
                            sink.Emit(ref _sessions[id]);
                        }
                    }
                }
            }
        }

        return EmitOpen(ref sink);
    }

    /// <summary>On time and in (end − 1, age) order through the engine's heap, fed from the bucket the watermark enters.</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public long ExactHeap()
    {
        Ring ring = Ring.Coarse;
        var sink = default(Emitted);
        long age = 0;
        long watermark = long.MinValue;
        long horizon = long.MinValue; // buckets below it are in the heap
        foreach (ref readonly Trade t in _trades.AsSpan())
        {
            int slot = (int)t.Symbol;
            ref Session s = ref _sessions[slot];
            long before = Assign(ref s, in t, ref sink, ref age);
            long bucket = ring.BucketOf(s.End - 1);
            if (bucket < horizon || _heap.Contains(slot))
            {
                _heap.Set(slot, s.End - 1, s.Age);
            }
            else
            {
                Queue(ring, slot, before);
            }

            if (Advanced(in t, ref watermark))
            {
                for (horizon = horizon == long.MinValue ? ring.BucketOf(watermark) : horizon; horizon <= ring.BucketOf(watermark); horizon++)
                {
                    foreach (long entry in Take(ring, horizon))
                    {
                        if (IsLiveIn(ring, entry, horizon, out int id))
                        {
                            _heap.Set(id, _sessions[id].End - 1, _sessions[id].Age);
                        }
                    }
                }

                while (_heap.TryPeek(out int id, out long time) && time <= watermark)
                {
                    _heap.Remove(id);
                    sink.Emit(ref _sessions[id]);
                }
            }
        }

        return EmitOpen(ref sink);
    }

    /// <summary>
    /// On time and in (end − 1, age) order through the engine's own timer queue (<see cref="CalendarQueue{TEntry}"/>,
    /// buckets gap / 256 wide as the operator's): a session's timer moves as it grows, and fires from the queue's run.
    /// </summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public long ExactCalendar() => ExactCalendar(keyed: false);

    /// <summary>
    /// <see cref="ExactCalendar()"/> with a key table, as the operator has: each symbol's slot found in the engine's
    /// <see cref="KeySlotTable{TKey, TValue}"/>, prefetched 8 trades ahead.
    /// </summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public long ExactCalendarKeyed() => ExactCalendar(keyed: true);

    private long ExactCalendar(bool keyed)
    {
        var sink = default(Emitted);
        long age = 0;
        long watermark = long.MinValue;
        Span<Trade> trades = _trades;
        for (int i = 0; i < trades.Length; i++)
        {
            ref Trade t = ref trades[i];
            if (keyed && i + PrefetchDistance < trades.Length)
            {
                _keys.Prefetch(trades[i + PrefetchDistance].Symbol);
            }

            int slot = keyed ? KeySlot(t.Symbol) : (int)t.Symbol;
            ref Session s = ref _sessions[slot];
            Assign(ref s, in t, ref sink, ref age);
            if (!s.Timer.IsQueued || s.QueuedAt != s.End - 1)
            {
                s.QueuedAt = s.End - 1; // the entry first, then the queue reads it
                _calendar.Set(slot);
            }

            if (Advanced(in t, ref watermark))
            {
                while (_calendar.TryPeekDue(watermark, out int id, out _))
                {
                    _calendar.Remove(id);
                    sink.Emit(ref _sessions[id]);
                }
            }
        }

        return EmitOpen(ref sink);
    }

    /// <summary>On time and in (end − 1, age) order without a heap: narrow buckets, each advance's due entries sorted by insertion.</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public long ExactNarrow()
    {
        Ring ring = Ring.Narrow;
        var sink = default(Emitted);
        long age = 0;
        long watermark = long.MinValue;
        long swept = long.MinValue;   // the first bucket not wholly passed
        long wakeAt = long.MinValue;  // no live entry is due below this
        foreach (ref readonly Trade t in _trades.AsSpan())
        {
            int slot = (int)t.Symbol;
            ref Session s = ref _sessions[slot];
            Queue(ring, slot, Assign(ref s, in t, ref sink, ref age));
            wakeAt = Math.Min(wakeAt, s.End - 1);
            if (!Advanced(in t, ref watermark))
            {
                continue;
            }

            swept = swept == long.MinValue ? ring.BucketOf(watermark) : swept;
            if (watermark < wakeAt && ring.BucketOf(watermark) == swept)
            {
                continue; // nothing due, still in the same bucket
            }

            wakeAt = long.MaxValue;
            int due = 0;
            for (long k = swept; k <= ring.BucketOf(watermark); k++)
            {
                int b = ring.Index(k);
                foreach (long entry in _entries.AsSpan(ring.First(b), _counts[b]))
                {
                    if (!IsLiveIn(ring, entry, k, out int id))
                    {
                        continue;
                    }

                    ref Session q = ref _sessions[id];
                    if (q.End - 1 > watermark)
                    {
                        wakeAt = Math.Min(wakeAt, q.End - 1);
                        continue;
                    }

                    int j = due++;
                    for (; j > 0 && _sessions[_due[j - 1]].FiresAfter(in q); j--)
                    {
                        _due[j] = _due[j - 1];
                    }

                    _due[j] = id;
                }

                if (k < ring.BucketOf(watermark + 1))
                {
                    _counts[b] = 0;
                    swept = k + 1;
                }
            }

            for (int j = 0; j < due; j++)
            {
                sink.Emit(ref _sessions[_due[j]]);
            }
        }

        return EmitOpen(ref sink);
    }

    /// <summary>Extends the key's session with <paramref name="t"/>, or emits it and opens the next; the bucket the session's end − 1 was in, or <see cref="long.MinValue"/> for a new session.</summary>
    private static long Assign(ref Session s, in Trade t, ref Emitted sink, ref long age)
    {
        if (s.Open && t.Timestamp <= s.End && t.Timestamp + Gap >= s.Start)
        {
            long was = s.End - 1;
            s.Start = Math.Min(s.Start, t.Timestamp);
            s.End = Math.Max(s.End, t.Timestamp + Gap);
            s.Acc.Add(t.Price, t.Quantity);
            return was;
        }

        if (s.Open)
        {
            sink.Emit(ref s);
        }

        s.Start = t.Timestamp;
        s.End = t.Timestamp + Gap;
        s.Acc = default;
        s.Acc.Add(t.Price, t.Quantity);
        s.Age = age++;
        s.Open = true;
        return long.MinValue;
    }

    /// <summary>Appends the session in <paramref name="slot"/> to its end's bucket unless it was there already (<paramref name="was"/>: its end − 1 before the event).</summary>
    private void Queue(Ring ring, int slot, long was)
    {
        ref Session s = ref _sessions[slot];
        long bucket = ring.BucketOf(s.End - 1);
        if (was == long.MinValue || ring.BucketOf(was) != bucket)
        {
            int b = ring.Index(bucket);
            _entries[ring.First(b) + _counts[b]++] = (s.Age << 32) | (uint)slot;
        }
    }

    /// <summary>The slot of <paramref name="symbol"/> in the key table, found as the operator finds a key (added the first time).</summary>
    private int KeySlot(long symbol)
    {
        _keys.FindValue(symbol, out int slot);
        return slot >= 0 ? slot : _keys.GetOrAdd(symbol, out _);
    }

    /// <summary>The entries of <paramref name="bucket"/>, which is emptied for its next lap (nothing is appended while they are read).</summary>
    private ReadOnlySpan<long> Take(Ring ring, long bucket)
    {
        int b = ring.Index(bucket);
        ReadOnlySpan<long> entries = _entries.AsSpan(ring.First(b), _counts[b]);
        _counts[b] = 0;
        return entries;
    }

    /// <summary>True when <paramref name="entry"/> is the current entry of an open session whose end − 1 is in <paramref name="bucket"/>.</summary>
    private bool IsLiveIn(Ring ring, long entry, long bucket, out int slot)
    {
        slot = (int)entry;
        ref Session s = ref _sessions[slot];
        return s.Open && s.Age == entry >> 32 && ring.BucketOf(s.End - 1) == bucket;
    }

    /// <summary>Bounded out-of-orderness on one input: true when the trade moved the watermark.</summary>
    private static bool Advanced(in Trade t, ref long watermark)
    {
        long candidate = t.Timestamp - BoundPlusOne;
        if (candidate <= watermark)
        {
            return false;
        }

        watermark = candidate;
        return true;
    }

    /// <summary>The end of the stream: every open session emits; checks that every trade was emitted once.</summary>
    private long EmitOpen(ref Emitted sink)
    {
        foreach (ref Session s in _sessions.AsSpan())
        {
            if (s.Open)
            {
                sink.Emit(ref s);
            }
        }

        return sink.Trades == Events ? sink.Results : throw new InvalidOperationException($"{sink.Trades} trades emitted, {Events} expected");
    }

    private readonly record struct Ring(int Shift, int Buckets, int Capacity)
    {
        public static readonly Ring Coarse = new(19, 512, 1024);  // a lap of 268 ms (over 5 gaps); a bucket spans about 105 trades
        public static readonly Ring Narrow = new(14, 16384, 64);  // the same lap; a bucket spans about 3 trades

        public long BucketOf(long time) => time >> Shift;

        public int Index(long bucket) => (int)(bucket & (Buckets - 1));

        public int Size => Buckets * Capacity;

        public int First(int index) => index * Capacity;
    }

    /// <summary>A key's session; also an entry of the engine's timer queue (<see cref="ExactCalendar()"/>), as the operator's nodes are.</summary>
    private struct Session : ICalendarEntry<Session>
    {
        public long Start;
        public long End;
        public long Age;
        public VwapAccumulator Acc;
        public bool Open;
        public long QueuedAt;
        public CalendarLink Timer;

        public static ref CalendarLink Link(ref Session entry) => ref entry.Timer;

        public static long Time(in Session entry) => entry.QueuedAt;

        public static long Tie(in Session entry) => entry.Age;

        public readonly bool FiresAfter(in Session other) => End > other.End || (End == other.End && Age > other.Age);
    }

    private struct Emitted
    {
        public long Results;
        public long Trades;

        public void Emit(ref Session s)
        {
            s.Open = false;
            Results++;
            Trades += s.Acc.Trades;
        }
    }
}

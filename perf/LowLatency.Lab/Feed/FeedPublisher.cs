using System.Diagnostics;
using LowLatency.Engine;

namespace LowLatency.Lab.Feed;

/// <summary>
/// The synthetic feed: an open-loop producer that publishes ticks into a ring on its own schedule.
/// </summary>
/// <remarks>
/// <para>Paced mode sends tick i at <c>start + i / rate</c> and stamps that intended time on the tick; if
/// the ring pushes back, the feed falls behind and then publishes everything that is due in batches, so a
/// stall shows up in the latency of every tick it delayed (no coordinated omission). Max-speed mode
/// (rate 0) stamps the actual send time.</para>
/// <para>Activity is Zipf-skewed across symbols; event times lag the send time by a uniform jitter within
/// the out-of-order bound, and a small share lag by more than the longest window (late ticks). Every tick
/// carries (source, symbol, per-symbol sequence, checksum) for the verifier.</para>
/// </remarks>
internal sealed class FeedPublisher : ITickSource
{
    private readonly FeedSettings _settings;
    private readonly ZipfSampler _zipf;
    private readonly long[] _nextSequence;
    private readonly long[] _midTicks;
    private readonly long _epochNs;
    private FastRandom _random;

    // Written by the feed thread (release), read by the monitor.
    private long _published;
    private long _dropped;
    private long _offered;

    // Written by any thread (Stop), read by the feed thread on every loop.
    private volatile bool _stopRequested;

    public FeedPublisher(FeedSettings settings)
    {
        _settings = settings;
        _zipf = new ZipfSampler(settings.Symbols, settings.Skew);
        _nextSequence = new long[settings.Symbols];
        _midTicks = new long[settings.Symbols];
        _random = new FastRandom(settings.Seed);
        for (int i = 0; i < _midTicks.Length; i++)
        {
            // 10.00 .. 500.00 in ticks of 0.0001.
            _midTicks[i] = 100_000 + _random.NextInt64(4_900_000);
        }

        // Event times are wall-clock nanoseconds (Unix epoch) so sample windows read as times of day.
        _epochNs = (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;
    }

    public FeedSettings Settings => _settings;

    /// <summary>Ticks published so far.</summary>
    public long Published => Volatile.Read(ref _published);

    /// <summary>Ticks the schedule offered: published + dropped.</summary>
    public long Offered => Volatile.Read(ref _offered);

    /// <summary>Ticks not accepted by the ring (lossy mode only), counted per batch refused.</summary>
    public long Dropped => Volatile.Read(ref _dropped);

    /// <summary>Per-symbol count of published ticks: what the verifier must have seen. Read after <see cref="Run"/> returns.</summary>
    public ReadOnlySpan<long> PublishedPerSymbol => _nextSequence;

    /// <summary>Event time (ns since the Unix epoch) of the feed's start.</summary>
    public long EpochNs => _epochNs;

    public void Stop() => _stopRequested = true;

    /// <summary>
    /// Publishes until <see cref="Stop"/>, <paramref name="maxEvents"/>, or the ring closes, on the calling
    /// thread; the schedule starts at <paramref name="startTimestamp"/> (Stopwatch ticks).
    /// </summary>
    public void Run(RingBuffer<DemoTick> ring, long maxEvents, long startTimestamp)
    {
        long rate = _settings.Rate;
        double ticksPerEvent = rate > 0 ? (double)Stopwatch.Frequency / rate : 0;
        double nsPerTick = 1e9 / Stopwatch.Frequency;
        int maxBatch = Math.Min(_settings.MaxBatch, ring.Capacity);
        long sent = 0;
        long dropped = 0;

        while (!_stopRequested && sent < maxEvents)
        {
            long now = Stopwatch.GetTimestamp();
            long due;
            if (rate > 0)
            {
                // Events whose intended time has come: (now − start) · rate / f, rounded up.
                due = (long)((now - startTimestamp) / ticksPerEvent) + 1 - sent;
                if (due <= 0)
                {
                    IdleUntil(startTimestamp + (long)(sent * ticksPerEvent), now);
                    continue;
                }
            }
            else
            {
                due = maxBatch;
            }

            int n = (int)Math.Min(Math.Min(due, maxBatch), maxEvents - sent);
            long high;
            if (_settings.DropWhenFull)
            {
                PublishResult result = ring.TryNext(n, out high);
                if (result == PublishResult.BackPressured)
                {
                    // The schedule moves on: these ticks were offered and refused, and are counted.
                    sent += n;
                    dropped += n;
                    Volatile.Write(ref _dropped, dropped);
                    Volatile.Write(ref _offered, sent);
                    continue;
                }

                if (result != PublishResult.Ok)
                {
                    break;
                }
            }
            else
            {
                try
                {
                    high = ring.Next(n);
                }
                catch (PipelineClosedException)
                {
                    break;
                }
            }

            long low = high - n + 1;
            for (long seq = low; seq <= high; seq++, sent++)
            {
                long intended = rate > 0 ? startTimestamp + (long)(sent * ticksPerEvent) : now;
                Fill(ref ring[seq], intended, (long)((intended - startTimestamp) * nsPerTick));
            }

            ring.Publish(low, high);
            Volatile.Write(ref _published, sent - dropped);
            Volatile.Write(ref _offered, sent);
        }
    }

    internal void Fill(ref DemoTick tick, long intendedTimestamp, long elapsedNs)
    {
        int symbol = _zipf.Sample(_random.NextDouble());
        ulong bits = _random.NextUInt64();

        // A random walk of the mid (−1, 0 or +1 tick), kept above 0.10.
        long mid = Math.Max(1_000, _midTicks[symbol] + (long)((bits & 0xFF) % 3) - 1);
        _midTicks[symbol] = mid;
        long price = mid + (long)((bits >> 8) & 7) - 3;
        // Round lots of 100, 1–16 lots; one tick in 256 is a block trade 50 times larger (the risk stage's notional limit catches some).
        int lots = 1 + (int)((bits >> 16) & 15);
        int quantity = 100 * (((bits >> 24) & 0xFF) == 0 ? lots * 50 : lots);

        long jitter = _random.NextInt64((long)(_settings.OutOfOrderBound.TotalNanoseconds));
        double roll = _random.NextDouble();
        if (roll < _settings.LateShare)
        {
            jitter += (long)_settings.LateBy.TotalNanoseconds;
        }
        else if (roll < _settings.LateShare + _settings.InvalidShare)
        {
            quantity = 0;
        }

        tick = new DemoTick
        {
            Source = _settings.Source,
            Symbol = symbol,
            SymbolSequence = _nextSequence[symbol]++,
            EventTimeNs = _epochNs + elapsedNs - jitter,
            PriceTicks = price,
            Quantity = quantity,
            IntendedSendTimestamp = intendedTimestamp,
        };
        tick.Checksum = TickChecksum.Compute(tick);
    }

    /// <summary>Waits for the next intended send time: spin when it is near, give the core away when not.</summary>
    private static void IdleUntil(long target, long now)
    {
        long remaining = target - now;
        if (remaining > Stopwatch.Frequency / 20_000)
        {
            // More than 50 µs ahead: on a small box the stages need this core more than we do.
            Thread.Yield();
        }
        else
        {
            Thread.SpinWait(8);
        }
    }
}

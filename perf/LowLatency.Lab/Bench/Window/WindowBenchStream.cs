using System.Diagnostics;
using System.Runtime.CompilerServices;
using LowLatency.Engine.Windowing;

namespace LowLatency.Lab.Bench.Window;

/// <summary>
/// The input every window scenario replays: 10,000 symbols drawn at random, one trade every 5 µs of event
/// time (200,000 per second, so 20 per symbol per 1 s window), each up to 0.5 ms out of order. One block
/// of 2^20 trades is generated once and replayed with its timestamps shifted. Every scenario and baseline takes it
/// the way a ring stage does: <see cref="Batch"/> events at a time, copied into one reused buffer (the ring's slots)
/// and handed over as a span, and is timed only while it handles them (<see cref="Replay{TTarget}"/>).
/// </summary>
internal static class WindowBenchStream
{
    public const int Keys = 10_000;
    public const long StepNanos = 5_000;
    public const long JitterNanos = 500_000;
    public const long OutOfOrderness = 1_000_000;   // B ≥ jitter: nothing is late
    public const long Second = 1_000_000_000;
    public const int Batch = 256;                   // what a busy ring stage gets per wake-up
    private const int BlockBits = 20;
    private const int BlockMask = (1 << BlockBits) - 1;
    private const long BlockSpan = (1L << BlockBits) * StepNanos;

    private static readonly WindowTrade[] s_block = Create();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Get(long i, out WindowTrade trade)
    {
        trade = s_block[(int)(i & BlockMask)];
        trade.Timestamp += (i >> BlockBits) * BlockSpan;
    }

    /// <summary>Copies events <paramref name="first"/>, ... into <paramref name="batch"/> (as a publisher fills ring slots).</summary>
    public static void Fill(long first, Span<WindowTrade> batch)
    {
        for (int i = 0; i < batch.Length; i++)
        {
            Get(first + i, out batch[i]);
        }
    }

    /// <summary>
    /// Feeds events 0 … <paramref name="events"/> − 1 to <paramref name="target"/> in batches, then drains it. The time is
    /// the target's alone: batches are filled before the clock runs (in a pipeline the publisher fills the slots, on its
    /// own thread), so the rate is the window code's and not also the copy of 32 bytes per event out of a 32 MiB block
    /// (about a fifth of a tumbling row's time, the same on both sides of a ratio). Allocation counts the whole run.
    /// </summary>
    public static BenchResult Replay<TTarget>(long events, TTarget target)
        where TTarget : IWindowBenchTarget
    {
        var buffer = new WindowTrade[Batch];
        long handling = 0;
        var measurement = BenchMeasurement.Start();
        for (long first = 0; first < events; first += buffer.Length)
        {
            Span<WindowTrade> batch = buffer.AsSpan(0, (int)Math.Min(buffer.Length, events - first));
            Fill(first, batch);
            long start = Stopwatch.GetTimestamp();
            target.OnBatch(batch, first);
            handling += Stopwatch.GetTimestamp() - start;
        }

        long drain = Stopwatch.GetTimestamp();
        target.Drain();
        handling += Stopwatch.GetTimestamp() - drain;
        return measurement.Stop(events, TimeSpan.FromSeconds((double)handling / Stopwatch.Frequency));
    }

    /// <summary><see cref="Replay{TTarget}"/> of a window operator, each batch in one <c>OnBatch</c> call.</summary>
    public static BenchResult ReplayOperator<TOperator>(long events, TOperator op)
        where TOperator : IWindowOperator<WindowTrade> => Replay(events, new OperatorBenchTarget<TOperator>(op));

    private static WindowTrade[] Create()
    {
        var random = new Random(42);
        var block = new WindowTrade[1 << BlockBits];
        for (int i = 0; i < block.Length; i++)
        {
            block[i] = new WindowTrade
            {
                Timestamp = Second + (i * StepNanos) - random.NextInt64(JitterNanos),
                Symbol = random.Next(Keys),
                Price = 100 + random.Next(100),
                Quantity = 1 + random.Next(10),
            };
        }

        return block;
    }
}

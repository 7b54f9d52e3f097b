using System.Runtime.CompilerServices;
using LowLatency.Engine.Sequencing;

namespace LowLatency.Lab.Bench.Engine;

/// <summary>
/// The machine's ceiling for 1P1C, measured next to the engine: a hand-written single-producer ring (an
/// array, the producer's cursor and the consumer's sequence, each padded) with nothing else: no sequencer,
/// no barrier, no handler, no lifecycle, no fault handling. Same 64 Ki ring, 8-byte events, spin-then-yield
/// consumer and the same claim sizes as the engine scenarios, so their ratio to it is the engine's overhead
/// and the rest is what this box's cores and caches allow.
/// </summary>
internal sealed class HandRolledRingScenario(int publishBatch) : IBenchScenario
{
    private const int Capacity = 1 << 16;
    private const long Mask = Capacity - 1;

    public string Name => $"handrolled-1p1c{(publishBatch > 1 ? $"-publish{publishBatch}" : string.Empty)}";

    public string Group => "engine";

    public string Description =>
        $"ceiling: hand-written SPSC ring, no engine (claims {publishBatch} at a time, spin-then-yield consumer, {Capacity}-slot ring, 8-byte events)";

    public BenchResult Run(BenchContext context)
    {
        long n = context.Events / publishBatch * publishBatch;
        var ring = new Ring();
        long sum = 0;
        var consumer = new Thread(() => sum = Consume(ring, n)) { IsBackground = true, Name = "handrolled-consumer" };
        consumer.Start();

        var measurement = BenchMeasurement.Start();
        Produce(ring, n, publishBatch);
        consumer.Join();
        BenchResult result = measurement.Stop(n);
        BenchWait.Check(sum, BenchWait.ExpectedSum(n), Name);
        return result;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Produce(Ring ring, long n, int batch)
    {
        long[] slots = ring.Slots;
        long cachedConsumed = Sequence.InitialValue;
        for (long low = 0; low < n; low += batch)
        {
            long high = low + batch - 1;
            while (high - Capacity > cachedConsumed)
            {
                cachedConsumed = ring.Consumed.ValueAcquire;
                if (high - Capacity > cachedConsumed)
                {
                    Thread.SpinWait(1);
                }
            }

            for (long s = low; s <= high; s++)
            {
                slots[s & Mask] = s;
            }

            ring.Cursor.SetRelease(high);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static long Consume(Ring ring, long n)
    {
        long[] slots = ring.Slots;
        long sum = 0;
        long next = 0;
        var spinner = default(SpinWait);
        while (next < n)
        {
            long available = ring.Cursor.ValueAcquire;
            if (available < next)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
                continue;
            }

            for (; next <= available; next++)
            {
                sum += slots[next & Mask];
            }

            ring.Consumed.SetRelease(available);
            spinner.Reset();
        }

        return sum;
    }

    private sealed class Ring
    {
        public long[] Slots { get; } = new long[Capacity];

        public Sequence Cursor { get; } = new();

        public Sequence Consumed { get; } = new();
    }
}

using LowLatency.Engine.Sequencing;
using LowLatency.Lab.Bench.Engine;
using LowLatency.Lab.Tcp;

namespace LowLatency.Lab.Bench.Tcp;

/// <summary>
/// Control, not a contender: the baseline's hand-written read loop, but each tick is decoded into a
/// hand-written single-producer ring (64 Ki slots, no engine) and summed by a second thread, as any
/// ring-based receiver must. Its distance to <c>tcp-networkstream-baseline</c> is what handing events to
/// another thread costs on this machine, where the sender shares the same cores; <c>tcp-ingest</c> is
/// read against it.
/// </summary>
internal sealed class TcpHandOffControlScenario : IBenchScenario
{
    private const int Capacity = 1 << 16;
    private const long Mask = Capacity - 1;

    public string Name => "tcp-handoff-control";

    public string Group => "tcp";

    public string Description => "control: the baseline's read loop decoding into a hand-written SPSC ring (64 Ki) summed by a 2nd thread (spin-then-yield), no engine";

    public BenchResult Run(BenchContext context)
    {
        int segments = TcpBenchFeed.SegmentsFor(context.Events);
        long n = (long)segments * TcpBenchFeed.EventsPerSegment;
        var ring = new TickRing();
        long sum = 0;
        var consumer = new Thread(() => sum = Consume(ring, n)) { IsBackground = true, Name = "handoff-consumer" };
        consumer.Start();

        var sink = new RingSink(ring);
        BenchResult result = NetworkStreamReadLoop.Run(Name, segments, ref sink);
        consumer.Join();
        BenchWait.Check(sum, TcpBenchFeed.Get(lz4: false).QuantityFor(segments), Name);
        return result;
    }

    private static long Consume(TickRing ring, long n)
    {
        MarketTick[] slots = ring.Slots;
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
                sum += slots[next & Mask].Quantity;
            }

            ring.Consumed.SetRelease(available);
            spinner.Reset();
        }

        return sum;
    }

    private sealed class TickRing
    {
        public MarketTick[] Slots { get; } = new MarketTick[Capacity];

        public Sequence Cursor { get; } = new();

        public Sequence Consumed { get; } = new();
    }

    /// <summary>Decodes a frame's ticks into free slots (waiting, spin-then-yield, while the ring is full), then publishes them.</summary>
    private struct RingSink(TickRing ring) : ITickBatchSink
    {
        private long _next;
        private long _cachedConsumed = Sequence.InitialValue;

        public void OnTicks(ReadOnlySpan<byte> ticks, int count)
        {
            var codec = default(MarketTickCodec);
            MarketTick[] slots = ring.Slots;
            long high = _next + count - 1;
            var spinner = default(SpinWait);
            while (high - Capacity > _cachedConsumed)
            {
                _cachedConsumed = ring.Consumed.ValueAcquire;
                if (high - Capacity > _cachedConsumed)
                {
                    spinner.SpinOnce(sleep1Threshold: -1);
                }
            }

            for (int i = 0; i < count; i++)
            {
                codec.Decode(ticks.Slice(i * 32, 32), ref slots[(_next + i) & Mask]);
            }

            ring.Cursor.SetRelease(high);
            _next = high + 1;
        }

        /// <summary>Waits until the consumer has summed the last tick, so the clock covers the whole hand-off.</summary>
        public readonly void OnCompleted()
        {
            var spinner = default(SpinWait);
            while (ring.Consumed.ValueAcquire < _next - 1)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
            }
        }
    }
}

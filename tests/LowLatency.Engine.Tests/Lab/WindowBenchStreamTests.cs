using LowLatency.Lab.Bench;
using LowLatency.Lab.Bench.Window;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Lab;

public sealed class WindowBenchStreamTests
{
    /// <summary>
    /// The replay loop every window row and baseline is measured through: each event of the stream reaches the target
    /// exactly once, in order, with its sequence, in batches of at most <see cref="WindowBenchStream.Batch"/>, then one drain;
    /// the measured time is at most the whole call's (it leaves the filling out).
    /// </summary>
    [TestCase(1)]
    [TestCase(WindowBenchStream.Batch)]
    [TestCase((3 * WindowBenchStream.Batch) + 17)]
    public void Replay_EveryEventOnceInOrderThenOneDrain(long events)
    {
        var target = new RecordingTarget();
        var wall = System.Diagnostics.Stopwatch.StartNew();
        BenchResult result = WindowBenchStream.Replay(events, target);
        wall.Stop();

        Assert.That(target.Seen, Is.EqualTo(events));
        Assert.That(target.Mismatches, Is.Zero, "each event is the stream's event at its sequence");
        Assert.That(target.LargestBatch, Is.LessThanOrEqualTo(WindowBenchStream.Batch));
        Assert.That(target.Drains, Is.EqualTo(1));
        Assert.That(target.EventsAfterDrain, Is.Zero);
        Assert.That(result.Events, Is.EqualTo(events));
        Assert.That(result.Elapsed, Is.LessThanOrEqualTo(wall.Elapsed));
    }

    private sealed class RecordingTarget : IWindowBenchTarget
    {
        public long Seen { get; private set; }

        public long Mismatches { get; private set; }

        public int LargestBatch { get; private set; }

        public int Drains { get; private set; }

        public long EventsAfterDrain { get; private set; }

        public void OnBatch(Span<WindowTrade> batch, long firstSequence)
        {
            if (firstSequence != Seen)
            {
                Mismatches++;
            }

            LargestBatch = Math.Max(LargestBatch, batch.Length);
            for (int i = 0; i < batch.Length; i++)
            {
                WindowBenchStream.Get(firstSequence + i, out WindowTrade expected);
                ref WindowTrade got = ref batch[i];
                if (got.Timestamp != expected.Timestamp || got.Symbol != expected.Symbol || got.Price != expected.Price || got.Quantity != expected.Quantity)
                {
                    Mismatches++;
                }
            }

            Seen += batch.Length;
            if (Drains > 0)
            {
                EventsAfterDrain += batch.Length;
            }
        }

        public void Drain() => Drains++;
    }
}

using LowLatency.Engine.State;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.State;

public sealed class CalendarQueueTests
{
    /// <summary>
    /// Random sets, moves and removals ahead of a clock that moves forward in steps of every size (within a bucket,
    /// across a lap, to the end of Int64): what is due comes out in exactly the (time, tie) order of one heap.
    /// </summary>
    [Test]
    [CancelAfter(20_000)]
    public void RandomSetRemoveAdvance_PopsDueInTimeThenTieOrder()
    {
        for (int seed = 1; seed <= 30; seed++)
        {
            var random = Seeds.Create(seed);
            long width = 1L << random.Next(0, 6);
            long origin = random.Next(3) switch { 0 => long.MinValue, 1 => -500, _ => long.MaxValue - 100_000 };
            var entries = new Entry[64];
            var queue = new CalendarQueue<Entry>(entries, width);
            var reference = new Dictionary<int, (long Time, long Tie)>();
            long clock = origin;
            long tie = 0;
            for (int step = 0; step < 4_000; step++)
            {
                int id = random.Next(64);
                switch (random.Next(5))
                {
                    case 0:
                    case 1:
                        long ahead = random.Next(4) == 0 ? random.Next(50_000) : random.Next(300);
                        long time = clock > long.MaxValue - ahead ? long.MaxValue : clock + ahead;
                        entries[id].At = time; // the owner writes its entry, then queues it
                        entries[id].Order = tie;
                        queue.Set(id);
                        reference[id] = (time, tie++);
                        break;
                    case 2:
                        queue.Remove(id);
                        reference.Remove(id);
                        break;
                    default:
                        long by = random.Next(10) == 0 ? 20_000 : random.Next(40);
                        clock = random.Next(200) == 0 || clock > long.MaxValue - by ? long.MaxValue : clock + by;
                        foreach (var expected in reference.Where(kv => kv.Value.Time <= clock).OrderBy(kv => kv.Value.Time).ThenBy(kv => kv.Value.Tie).ToList())
                        {
                            Assert.That(queue.TryPeekDue(clock, out int due, out long at), Is.True, $"seed {seed} step {step}");
                            Assert.That((due, at), Is.EqualTo((expected.Key, expected.Value.Time)), $"seed {seed} step {step}");
                            queue.Remove(due);
                            reference.Remove(due);
                        }

                        Assert.That(queue.TryPeekDue(clock, out _, out _), Is.False, $"seed {seed} step {step}: nothing else is due");
                        long earliest = reference.Count == 0 ? long.MaxValue : reference.Values.Min(v => v.Time);
                        Assert.That(queue.NextDue, Is.LessThanOrEqualTo(earliest), $"seed {seed} step {step}: NextDue is a lower bound");
                        if (clock < long.MaxValue)
                        {
                            Assert.That(queue.NextDue, Is.GreaterThan(clock), $"seed {seed} step {step}: nothing is due at the clock");
                        }
                        else
                        {
                            clock = origin; // a new stream: the queue is empty
                            Assert.That(queue.Count, Is.Zero);
                        }

                        break;
                }

                Assert.That(queue.Count, Is.EqualTo(reference.Count), $"seed {seed} step {step}");
            }
        }
    }

    /// <summary>
    /// A bucket far longer than the run's insertion sort takes (all of 2,000 ids within one bucket's width, times repeated,
    /// ties in reverse id order) joins the run in exactly (time, tie) order, and so does an id moved below the horizon meanwhile.
    /// </summary>
    [Test]
    public void CrowdedBucket_JoinsTheRunInTimeThenTieOrder()
    {
        var random = Seeds.Create(7);
        var entries = new Entry[2_000];
        var queue = new CalendarQueue<Entry>(entries, width: 1 << 20);
        for (int id = 0; id < entries.Length; id++)
        {
            entries[id].At = (1 << 20) + random.Next(100);
            entries[id].Order = entries.Length - id;
            queue.Set(id);
        }

        var expected = Enumerable.Range(0, entries.Length).OrderBy(id => entries[id].At).ThenBy(id => entries[id].Order).ToList();
        Assert.That(queue.TryPeekDue((1 << 20) + 49, out int first, out _), Is.True);
        Assert.That(first, Is.EqualTo(expected[0]));

        // The clock is in the bucket now: a move below the horizon is placed by search, not appended.
        int moved = expected[^1];
        entries[moved].At = (1 << 20) + 10;
        entries[moved].Order = -1;
        queue.Set(moved);
        expected.Remove(moved);
        expected.Insert(expected.FindIndex(id => entries[id].At >= (1 << 20) + 10), moved);

        foreach (int id in expected)
        {
            Assert.That(queue.TryPeekDue(long.MaxValue - 1, out int due, out long at), Is.True);
            Assert.That((due, at), Is.EqualTo((id, entries[id].At)));
            queue.Remove(due);
        }

        Assert.That(queue.Count, Is.Zero);
    }

    private struct Entry : ICalendarEntry<Entry>
    {
        public long At;
        public long Order;
        public CalendarLink Timer;

        public static ref CalendarLink Link(ref Entry entry) => ref entry.Timer;

        public static long Time(in Entry entry) => entry.At;

        public static long Tie(in Entry entry) => entry.Order;
    }
}

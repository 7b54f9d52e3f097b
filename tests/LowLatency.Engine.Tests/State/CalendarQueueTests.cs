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
            var queue = new CalendarQueue<Entry>(new Entry[64], width);
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
                        queue.Set(id, time, tie);
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
    /// Ids whose real times grow while queued (the queued time is a lower bound, as a session's is), popped as the
    /// session operator does (re-set when the popped time is stale) with the owner refreshing grown ids as their
    /// buckets come due: what acts comes out in exactly the (real time, tie) order.
    /// </summary>
    [Test]
    [CancelAfter(20_000)]
    public void GrowingTimesWithOwner_ActInRealTimeThenTieOrder()
    {
        for (int seed = 1; seed <= 30; seed++)
        {
            var random = Seeds.Create(seed);
            var queue = new CalendarQueue<Entry>(new Entry[64], 1L << random.Next(0, 6));
            var owner = new GrowingTimes();
            var ties = new Dictionary<int, long>();
            long clock = 0;
            long tie = 0;
            for (int step = 0; step < 4_000; step++)
            {
                int id = random.Next(64);
                if (random.Next(3) == 0)
                {
                    long by = random.Next(10) == 0 ? 5_000 : random.Next(40);
                    clock += by;
                    var expected = ties.Where(kv => owner.Real[kv.Key] <= clock).OrderBy(kv => owner.Real[kv.Key]).ThenBy(kv => kv.Value).Select(kv => kv.Key).ToList();
                    var acted = new List<int>();
                    while (queue.TryPeekDue(clock, out int due, out long at, owner))
                    {
                        if (owner.Real[due] != at)
                        {
                            queue.Set(due, owner.Real[due], ties[due]); // stale lower bound: re-queue at the real time
                            continue;
                        }

                        acted.Add(due);
                        queue.Remove(due);
                        ties.Remove(due);
                    }

                    Assert.That(acted, Is.EqualTo(expected), $"seed {seed} step {step}");
                }
                else if (ties.ContainsKey(id))
                {
                    owner.Real[id] += random.Next(4) == 0 ? random.Next(3_000) : random.Next(200); // grows; the queue is not told
                }
                else
                {
                    owner.Real[id] = clock + 1 + random.Next(300);
                    ties[id] = tie++;
                    queue.Set(id, owner.Real[id], ties[id]);
                }
            }
        }
    }

    private struct Entry : ICalendarEntry<Entry>
    {
        public CalendarLink Timer;

        public static ref CalendarLink Link(ref Entry entry) => ref entry.Timer;
    }

    private sealed class GrowingTimes : IDueTimes
    {
        public long[] Real { get; } = new long[64];

        public long Refresh(int id, long watermark) => Real[id];
    }
}

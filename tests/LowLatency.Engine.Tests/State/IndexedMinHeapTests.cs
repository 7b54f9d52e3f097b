using LowLatency.Engine.State;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.State;

public sealed class IndexedMinHeapTests
{
    [Test]
    [CancelAfter(10_000)]
    public void RandomSetRemovePop_PopsInTimeThenTieOrder()
    {
        for (int seed = 1; seed <= 20; seed++)
        {
            var random = new Random(seed);
            var heap = new IndexedMinHeap(64);
            var reference = new Dictionary<int, (long Time, long Tie)>();
            long tie = 0;
            for (int step = 0; step < 5_000; step++)
            {
                int id = random.Next(64);
                switch (random.Next(4))
                {
                    case 0:
                    case 1:
                        long time = random.Next(100);
                        heap.Set(id, time, tie);
                        reference[id] = (time, tie++);
                        break;
                    case 2:
                        heap.Remove(id);
                        reference.Remove(id);
                        break;
                    default:
                        if (reference.Count == 0)
                        {
                            Assert.That(heap.TryPeek(out _, out _), Is.False);
                            break;
                        }

                        var expected = reference.OrderBy(kv => kv.Value.Time).ThenBy(kv => kv.Value.Tie).First();
                        Assert.That(heap.TryPeek(out int top, out long at), Is.True);
                        Assert.That((top, at), Is.EqualTo((expected.Key, expected.Value.Time)), $"seed {seed} step {step}");
                        heap.Remove(top);
                        reference.Remove(top);
                        break;
                }

                Assert.That(heap.Count, Is.EqualTo(reference.Count), $"seed {seed} step {step}");
            }
        }
    }
}

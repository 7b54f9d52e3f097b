using LowLatency.Engine.State;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.State;

public sealed class KeySlotTableTests
{
    [Test]
    [CancelAfter(10_000)]
    public void RandomAddFindRemove_AgreesWithDictionary()
    {
        for (int seed = 1; seed <= 20; seed++)
        {
            var random = new Random(seed);
            var table = new KeySlotTable<WindowKey<long>>(300);
            var reference = new Dictionary<WindowKey<long>, int>();
            for (int step = 0; step < 20_000; step++)
            {
                var key = new WindowKey<long>(random.Next(40), random.Next(12) * 1_000_000_000L);
                switch (random.Next(3))
                {
                    case 0:
                        int slot = table.GetOrAdd(key, out bool added);
                        if (reference.TryGetValue(key, out int known))
                        {
                            Assert.That((slot, added), Is.EqualTo((known, false)), $"seed {seed} step {step}");
                        }
                        else if (reference.Count == table.Capacity)
                        {
                            Assert.That(slot, Is.EqualTo(-1), $"seed {seed} step {step}: full");
                        }
                        else
                        {
                            Assert.That(added && slot >= 0 && !reference.ContainsValue(slot), Is.True, $"seed {seed} step {step}");
                            reference[key] = slot;
                        }

                        break;
                    case 1:
                        Assert.That(table.Find(key), Is.EqualTo(reference.TryGetValue(key, out int s) ? s : -1), $"seed {seed} step {step}");
                        break;
                    default:
                        if (reference.Remove(key, out int r))
                        {
                            table.RemoveAt(r);
                            Assert.That(table.IsOccupied(r), Is.False);
                        }

                        break;
                }

                Assert.That(table.Count, Is.EqualTo(reference.Count), $"seed {seed} step {step}");
            }

            foreach (KeyValuePair<WindowKey<long>, int> kv in reference)
            {
                Assert.That(table.Find(kv.Key), Is.EqualTo(kv.Value), $"seed {seed}");
                Assert.That(table.KeyAt(kv.Value), Is.EqualTo(kv.Key), $"seed {seed}");
            }

            table.Clear();
            Assert.That(reference.Keys.All(k => table.Find(k) < 0), Is.True, $"seed {seed}: cleared");
        }
    }
}

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

    [Test]
    [CancelAfter(10_000)]
    public void Values_SurviveBackwardShiftAndClear_AgreeWithDictionary()
    {
        for (int seed = 1; seed <= 20; seed++)
        {
            var random = new Random(seed);
            var table = new KeySlotTable<long, long>(200); // ¾ full at most: long probe runs, many shifts
            var reference = new Dictionary<long, (int Slot, long Value)>();
            for (int step = 0; step < 20_000; step++)
            {
                long key = random.Next(300);
                switch (random.Next(4))
                {
                    case 0:
                        int slot = table.GetOrAdd(key, out bool added);
                        if (slot < 0)
                        {
                            Assert.That(reference, Has.Count.EqualTo(table.Capacity), $"seed {seed} step {step}: full");
                            break;
                        }

                        Assert.That(added, Is.EqualTo(!reference.ContainsKey(key)), $"seed {seed} step {step}");
                        Assert.That(table.ValueAt(slot), Is.EqualTo(added ? 0 : reference[key].Value), $"seed {seed} step {step}: a new key's value is default");
                        table.ValueAt(slot) = step;
                        reference[key] = (slot, step);
                        break;
                    case 1:
                        ref long value = ref table.FindValue(key, out int found);
                        bool known = reference.TryGetValue(key, out (int Slot, long Value) entry);
                        Assert.That(found, Is.EqualTo(known ? entry.Slot : -1), $"seed {seed} step {step}");
                        if (known)
                        {
                            Assert.That(value, Is.EqualTo(entry.Value), $"seed {seed} step {step}");
                        }

                        break;
                    case 2:
                        if (reference.Remove(key, out (int Slot, long Value) removed))
                        {
                            table.RemoveAt(removed.Slot);
                        }

                        break;
                    default:
                        if (random.Next(500) == 0)
                        {
                            table.Clear();
                            reference.Clear();
                        }

                        break;
                }
            }

            foreach (KeyValuePair<long, (int Slot, long Value)> kv in reference)
            {
                Assert.That(table.ValueAt(kv.Value.Slot), Is.EqualTo(kv.Value.Value), $"seed {seed}");
            }
        }
    }
}

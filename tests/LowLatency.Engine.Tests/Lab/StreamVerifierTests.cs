using LowLatency.Lab.Verification;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Lab;

public sealed class StreamVerifierTests
{
    private const int Sources = 2;
    private const int Keys = 50;

    private readonly record struct Event(int Source, int Key, long Sequence);

    /// <summary>A seeded interleaving of per-key sequences from every source, in order per key.</summary>
    private static (List<Event> Events, long[] Published) CleanStream(int seed, int count)
    {
        var random = new Random(seed);
        long[] next = new long[Sources * Keys];
        var events = new List<Event>(count);
        for (int i = 0; i < count; i++)
        {
            int source = random.Next(Sources);
            int key = random.Next(Keys);
            events.Add(new Event(source, key, next[(source * Keys) + key]++));
        }

        return (events, next);
    }

    private static VerifierResult Verify(List<Event> events, long[] published, int corruptAt = -1)
    {
        var verifier = new StreamVerifier(Sources, Keys);
        for (int i = 0; i < events.Count; i++)
        {
            verifier.Observe(events[i].Source, events[i].Key, events[i].Sequence, checksumOk: i != corruptAt);
        }

        return verifier.Finish(published);
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    [CancelAfter(10_000)]
    public void Finish_CleanStream_ReportsNothing(int seed)
    {
        (List<Event> events, long[] published) = CleanStream(seed, 10_000);

        VerifierResult result = Verify(events, published);

        Assert.That(result.IsClean, Is.True, $"seed {seed}: {result}");
        Assert.That(result.Seen, Is.EqualTo(10_000));
        Assert.That(result.Expected, Is.EqualTo(10_000));
    }

    [TestCase(11)]
    [TestCase(12)]
    [TestCase(13)]
    [CancelAfter(10_000)]
    public void Finish_OneEventRemoved_CountsOneLost(int seed)
    {
        (List<Event> events, long[] published) = CleanStream(seed, 10_000);
        events.RemoveAt(new Random(seed).Next(events.Count));

        VerifierResult result = Verify(events, published);

        Assert.Multiple(() =>
        {
            Assert.That(result.Lost, Is.EqualTo(1), $"seed {seed}: {result}");
            Assert.That(result.Duplicated, Is.Zero, $"seed {seed}");
            Assert.That(result.Reordered, Is.Zero, $"seed {seed}");
            Assert.That(result.IsClean, Is.False, $"seed {seed}");
        });
    }

    [CancelAfter(10_000)]
    [Test]
    public void Finish_LastEventsOfAKeyMissing_CountsThemLost()
    {
        (List<Event> events, long[] published) = CleanStream(21, 1_000);
        published[7] += 3; // the source says it sent three more for key 7 than ever arrived

        VerifierResult result = Verify(events, published);

        Assert.That(result.Lost, Is.EqualTo(3), result.ToString());
    }

    [TestCase(31)]
    [TestCase(32)]
    [TestCase(33)]
    [CancelAfter(10_000)]
    public void Finish_OneEventDeliveredTwice_CountsOneDuplicated(int seed)
    {
        (List<Event> events, long[] published) = CleanStream(seed, 10_000);
        var random = new Random(seed);
        int from = random.Next(events.Count);
        events.Insert(random.Next(from, events.Count), events[from]);

        VerifierResult result = Verify(events, published);

        Assert.Multiple(() =>
        {
            Assert.That(result.Duplicated, Is.EqualTo(1), $"seed {seed}: {result}");
            Assert.That(result.Lost, Is.Zero, $"seed {seed}");
            Assert.That(result.Reordered, Is.Zero, $"seed {seed}");
        });
    }

    [TestCase(41)]
    [TestCase(42)]
    [TestCase(43)]
    [CancelAfter(10_000)]
    public void Finish_TwoEventsOfAKeySwapped_CountsOneReorderedNothingLost(int seed)
    {
        (List<Event> events, long[] published) = CleanStream(seed, 10_000);
        var random = new Random(seed);
        int first = random.Next(events.Count / 2);
        int second = events.FindIndex(first + 1, e => e.Source == events[first].Source && e.Key == events[first].Key);
        Assert.That(second, Is.GreaterThan(first), $"seed {seed}: the key must occur again");
        (events[first], events[second]) = (events[second], events[first]);

        VerifierResult result = Verify(events, published);

        Assert.Multiple(() =>
        {
            Assert.That(result.Reordered, Is.EqualTo(1), $"seed {seed}: {result}");
            Assert.That(result.Lost, Is.Zero, $"seed {seed}");
            Assert.That(result.Duplicated, Is.Zero, $"seed {seed}");
        });
    }

    [CancelAfter(10_000)]
    [Test]
    public void Finish_GapFilledOutOfOrder_CountsEachBackwardsEventReordered()
    {
        var verifier = new StreamVerifier(1, 1);
        foreach (long sequence in new long[] { 0, 4, 2, 1, 3, 5 })
        {
            verifier.Observe(0, 0, sequence, checksumOk: true);
        }

        VerifierResult result = verifier.Finish([6]);

        Assert.Multiple(() =>
        {
            Assert.That(result.Reordered, Is.EqualTo(3), result.ToString());
            Assert.That(result.Lost, Is.Zero);
            Assert.That(result.Duplicated, Is.Zero);
        });
    }

    [CancelAfter(10_000)]
    [Test]
    public void Finish_LossDuplicateAndReorderTogether_CountsEachExactly()
    {
        var verifier = new StreamVerifier(1, 2);

        // Key 0: 0 1 3 2 3 (reorder of 2, duplicate of 3), 4 never arrives; key 1 clean.
        foreach ((int key, long sequence) in new[] { (0, 0L), (1, 0L), (0, 1L), (0, 3L), (1, 1L), (0, 2L), (0, 3L), (1, 2L) })
        {
            verifier.Observe(0, key, sequence, checksumOk: true);
        }

        VerifierResult result = verifier.Finish([5, 3]);

        Assert.Multiple(() =>
        {
            Assert.That(result.Lost, Is.EqualTo(1), result.ToString());
            Assert.That(result.Duplicated, Is.EqualTo(1));
            Assert.That(result.Reordered, Is.EqualTo(1));
            Assert.That(result.Seen, Is.EqualTo(8));
        });
    }

    [CancelAfter(10_000)]
    [Test]
    public void Finish_PayloadChecksumMismatch_CountsCorrupted()
    {
        (List<Event> events, long[] published) = CleanStream(51, 1_000);

        VerifierResult result = Verify(events, published, corruptAt: 500);

        Assert.Multiple(() =>
        {
            Assert.That(result.Corrupted, Is.EqualTo(1));
            Assert.That(result.IsClean, Is.False);
        });
    }

    [CancelAfter(10_000)]
    [Test]
    public void Observe_InOrderAfterWarmUp_AllocatesNothing()
    {
        var verifier = new StreamVerifier(1, 16);
        for (int i = 0; i < 1_000; i++)
        {
            verifier.Observe(0, i & 15, i >> 4, checksumOk: true);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 1_000; i < 101_000; i++)
        {
            verifier.Observe(0, i & 15, i >> 4, checksumOk: true);
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }
}

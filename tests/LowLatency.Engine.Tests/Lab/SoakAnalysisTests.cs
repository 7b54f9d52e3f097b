using LowLatency.Lab.Demo;
using LowLatency.Lab.Reporting;
using LowLatency.Lab.Soak;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Lab;

public sealed class SoakAnalysisTests
{
    private const long Mib = 1024 * 1024;

    /// <summary>100 one-second samples after 10 of warm-up; RSS and heap given per second, heap with a GC saw tooth.</summary>
    private static List<IntervalSample> Samples(double rssGrowthPerSecond = 0, double heapGrowthPerSecond = 0, long lastTenthP999 = 100_000, int threadsAtEnd = 20)
    {
        var samples = new List<IntervalSample>();
        for (int i = 0; i < 110; i++)
        {
            bool steady = i >= 10;
            samples.Add(new IntervalSample
            {
                ElapsedSeconds = i + 1,
                Warmup = !steady,
                RssBytes = (long)((200 * Mib) + (rssGrowthPerSecond * i)),
                GcHeapBytes = (long)((10 * Mib) + ((i % 17) * 300_000) + (heapGrowthPerSecond * i)),
                P999 = i >= 100 ? lastTenthP999 : 100_000,
                Threads = i == 109 ? threadsAtEnd : 20,
                Handles = 40,
            });
        }

        return samples;
    }

    private static SoakVerdict Judge(List<IntervalSample> samples, long lost = 0, long duplicated = 0, long reordered = 0, int gen2 = 0) =>
        SoakAnalysis.Judge(samples, lost, duplicated, reordered, corrupted: 0, verifiable: true, gen2Growth: gen2, SoakThresholds.Default);

    [CancelAfter(10_000)]
    [Test]
    public void Judge_FlatRun_Passes()
    {
        SoakVerdict verdict = Judge(Samples());

        Assert.That(verdict.Passed, Is.True, string.Join("; ", verdict.Failures));
        Assert.That(verdict.RssSlopeBytesPerSecond, Is.EqualTo(0).Within(1));
        Assert.That(verdict.HeapSlopeBytesPerSecond, Is.LessThan(SoakThresholds.Default.MaxHeapSlopeBytesPerSecond), "the saw tooth alone is not growth");
    }

    [CancelAfter(10_000)]
    [Test]
    public void Judge_RssGrowing_FailsWithTheFittedSlope()
    {
        SoakVerdict verdict = Judge(Samples(rssGrowthPerSecond: 64 * 1024));

        Assert.That(verdict.Passed, Is.False);
        Assert.That(verdict.RssSlopeBytesPerSecond, Is.EqualTo(64 * 1024).Within(1));
        Assert.That(verdict.Failures, Has.Some.StartsWith("RSS grows"));
    }

    [CancelAfter(10_000)]
    [Test]
    public void Judge_HeapFloorRising_Fails()
    {
        SoakVerdict verdict = Judge(Samples(heapGrowthPerSecond: 32 * 1024));

        Assert.That(verdict.Passed, Is.False);
        Assert.That(verdict.Failures, Has.Some.StartsWith("GC heap floor grows"));
    }

    [TestCase(1, 0, 0, 0)]
    [TestCase(0, 1, 0, 0)]
    [TestCase(0, 0, 1, 0)]
    [TestCase(0, 0, 0, 1)]
    [CancelAfter(10_000)]
    public void Judge_AnyLossDuplicateReorderOrGen2_Fails(long lost, long duplicated, long reordered, int gen2)
    {
        SoakVerdict verdict = Judge(Samples(), lost, duplicated, reordered, gen2);

        Assert.That(verdict.Passed, Is.False);
    }

    [CancelAfter(10_000)]
    [Test]
    public void Judge_LastTenthP999AboveTolerance_Fails()
    {
        SoakVerdict verdict = Judge(Samples(lastTenthP999: 130_000));

        Assert.That(verdict.Passed, Is.False);
        Assert.That(verdict.FirstIntervalP999Ns, Is.EqualTo(100_000));
        Assert.That(verdict.LastIntervalP999Ns, Is.EqualTo(130_000));
    }

    [CancelAfter(10_000)]
    [Test]
    public void Judge_ThreadsLeaked_Fails()
    {
        SoakVerdict verdict = Judge(Samples(threadsAtEnd: 25));

        Assert.That(verdict.Passed, Is.False);
        Assert.That(verdict.Failures, Has.Some.StartsWith("threads grew"));
    }
}

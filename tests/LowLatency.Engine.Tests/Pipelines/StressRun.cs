using LowLatency.Engine.Pipelines;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Pipelines;

/// <summary>The producing and the conservation checks the pipeline stress tests share.</summary>
internal static class StressRun
{
    /// <summary>Starts the pipeline, publishes from <paramref name="producers"/> threads, then drains it.</summary>
    public static async Task ProduceAndDrainAsync(Pipeline<StressEvent> pipeline, int producers, long perProducer)
    {
        pipeline.Start();

        RingBuffer<StressEvent> ring = pipeline.RingBuffer;
        var threads = new Thread[producers];
        for (int p = 0; p < producers; p++)
        {
            int producer = p;
            threads[p] = new Thread(() =>
            {
                for (long i = 0; i < perProducer; i++)
                {
                    long sequence = ring.Next();
                    ring[sequence].Fill(producer, i);
                    ring.Publish(sequence);
                }
            })
            { IsBackground = true, Name = $"stress-producer-{p}" };
            threads[p].Start();
        }

        foreach (Thread thread in threads)
        {
            thread.Join();
        }

        await pipeline.DrainAsync();
    }

    /// <summary>Every stage saw every event once, in order, intact; the join stage never ran ahead of its branches.</summary>
    public static void AssertConserved(StressLog[] logs, long expected, int producers, int joinStage)
    {
        Assert.Multiple(() =>
        {
            for (int stage = 0; stage < logs.Length; stage++)
            {
                StressLog log = logs[stage];
                Assert.That(log.Seen, Is.EqualTo(expected), $"stage {stage}: events seen");
                Assert.That(log.Duplicated, Is.Zero, $"stage {stage}: duplicated");
                Assert.That(log.Gaps, Is.Zero, $"stage {stage}: per-producer gaps (reordered or lost)");
                Assert.That(log.BadChecksums, Is.Zero, $"stage {stage}: torn or unpublished slot contents");
                Assert.That(log.RingOrderViolations, Is.Zero, $"stage {stage}: ring sequences out of order");
                Assert.That(log.LastPerProducer, Is.All.EqualTo(expected / producers - 1), $"stage {stage}: last sequence per producer");
            }

            Assert.That(logs[joinStage].BadMarks, Is.Zero, "the join stage saw an event before both branches finished it");
        });
    }
}

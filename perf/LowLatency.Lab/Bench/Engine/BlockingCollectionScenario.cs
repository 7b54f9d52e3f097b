using System.Collections.Concurrent;

namespace LowLatency.Lab.Bench.Engine;

/// <summary>Baseline: a bounded <see cref="BlockingCollection{T}"/> with blocking Add/Take on two threads.</summary>
internal sealed class BlockingCollectionScenario : IBenchScenario
{
    public string Name => "blocking-collection";

    public string Group => "engine";

    public string Description => "bounded BlockingCollection<long> (ConcurrentQueue), Add → Take";

    public BenchResult Run(BenchContext context)
    {
        using var queue = new BlockingCollection<long>(1 << 16);
        long n = context.Events;
        long sum = 0;
        var consumer = new Thread(() =>
        {
            long local = 0;
            for (long i = 0; i < n; i++)
            {
                local += queue.Take();
            }

            sum = local;
        });
        var measurement = BenchMeasurement.Start();
        consumer.Start();
        for (long i = 0; i < n; i++)
        {
            queue.Add(i);
        }

        consumer.Join();
        BenchResult result = measurement.Stop(n);
        BenchWait.Check(sum, BenchWait.ExpectedSum(n), Name);
        return result;
    }
}

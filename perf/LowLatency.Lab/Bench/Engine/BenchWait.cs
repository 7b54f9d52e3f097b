using LowLatency.Engine.Pipelines;

namespace LowLatency.Lab.Bench.Engine;

internal static class BenchWait
{
    /// <summary>Yields until every terminal stage has finished <paramref name="lastSequence"/>.</summary>
    public static void UntilCompleted<T>(Pipeline<T> pipeline, long lastSequence)
        where T : struct
    {
        while (pipeline.CompletedSequence < lastSequence)
        {
            Thread.Yield();
        }
    }

    /// <summary>The sum 0 + 1 + … + (n − 1): what every consumer must have added up.</summary>
    public static long ExpectedSum(long n) => n * (n - 1) / 2;

    public static void Check(long actual, long expected, string scenario)
    {
        if (actual != expected)
        {
            throw new InvalidOperationException($"{scenario}: consumer summed {actual}, expected {expected}: events were lost or duplicated.");
        }
    }
}

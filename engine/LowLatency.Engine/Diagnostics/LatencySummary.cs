using System.Diagnostics;
using HdrHistogram;

namespace LowLatency.Engine.Diagnostics;

/// <summary>Publish-to-stage latency percentiles of the sampled sequences, in nanoseconds.</summary>
/// <param name="Samples">Sampled sequences recorded.</param>
/// <param name="P50Nanoseconds">Median.</param>
/// <param name="P99Nanoseconds">99th percentile.</param>
/// <param name="P999Nanoseconds">99.9th percentile.</param>
/// <param name="MaxNanoseconds">Largest recorded (HdrHistogram precision: 3 significant digits).</param>
public readonly record struct LatencySummary(long Samples, long P50Nanoseconds, long P99Nanoseconds, long P999Nanoseconds, long MaxNanoseconds)
{
    private static readonly double s_nanosPerTick = 1e9 / Stopwatch.Frequency;

    internal static LatencySummary From(HistogramBase histogram)
    {
        long count = histogram.TotalCount;
        if (count == 0)
        {
            return default;
        }

        return new LatencySummary(
            count,
            ToNanos(histogram.GetValueAtPercentile(50)),
            ToNanos(histogram.GetValueAtPercentile(99)),
            ToNanos(histogram.GetValueAtPercentile(99.9)),
            ToNanos(histogram.GetValueAtPercentile(100)));
    }

    private static long ToNanos(long ticks) => (long)(ticks * s_nanosPerTick);
}

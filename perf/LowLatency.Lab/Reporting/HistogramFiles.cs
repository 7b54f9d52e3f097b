using HdrHistogram;

namespace LowLatency.Lab.Reporting;

/// <summary>Writes the standard HdrHistogram percentile distribution (<c>.hgrm</c>, values in µs).</summary>
internal static class HistogramFiles
{
    public static void WriteHgrm(string path, HistogramBase histogram)
    {
        using var writer = new StreamWriter(path);
        histogram.OutputPercentileDistribution(writer, percentileTicksPerHalfDistance: 5, outputValueUnitScalingRatio: 1000.0, useCsvFormat: false);
    }

    public static void PrintDistribution(TextWriter o, HistogramBase histogram)
    {
        o.WriteLine("  percentile distribution (µs, from intended send time)");
        ReadOnlySpan<double> percentiles = [50, 75, 90, 99, 99.9, 99.99, 99.999, 100];
        foreach (double p in percentiles)
        {
            long value = p >= 100 ? histogram.GetMaxValue() : histogram.GetValueAtPercentile(p);
            o.WriteLine($"    {p,8:0.###}%  {value / 1000.0,12:F3}");
        }
    }
}

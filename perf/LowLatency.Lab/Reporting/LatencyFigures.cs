using System.Text.Json.Serialization;
using HdrHistogram;

namespace LowLatency.Lab.Reporting;

/// <summary>The <c>latencyNs</c> object of every report: nanoseconds from intended send time to the sink.</summary>
internal sealed record LatencyFigures
{
    [JsonPropertyName("p50")]
    public long P50 { get; init; }

    [JsonPropertyName("p90")]
    public long P90 { get; init; }

    [JsonPropertyName("p99")]
    public long P99 { get; init; }

    [JsonPropertyName("p999")]
    public long P999 { get; init; }

    [JsonPropertyName("p9999")]
    public long P9999 { get; init; }

    [JsonPropertyName("max")]
    public long Max { get; init; }

    [JsonPropertyName("mean")]
    public double Mean { get; init; }

    [JsonPropertyName("count")]
    public long Count { get; init; }

    public static LatencyFigures From(HistogramBase histogram) => histogram.TotalCount == 0
        ? new LatencyFigures()
        : new LatencyFigures
        {
            P50 = histogram.GetValueAtPercentile(50),
            P90 = histogram.GetValueAtPercentile(90),
            P99 = histogram.GetValueAtPercentile(99),
            P999 = histogram.GetValueAtPercentile(99.9),
            P9999 = histogram.GetValueAtPercentile(99.99),
            Max = histogram.GetMaxValue(),
            Mean = histogram.GetMean(),
            Count = histogram.TotalCount,
        };
}

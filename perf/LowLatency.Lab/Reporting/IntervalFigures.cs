using System.Text.Json.Serialization;
using LowLatency.Lab.Demo;

namespace LowLatency.Lab.Reporting;

/// <summary>One element of a report's <c>intervals</c> array.</summary>
internal sealed record IntervalFigures
{
    [JsonPropertyName("t")]
    public double T { get; init; }

    [JsonPropertyName("warmup")]
    public bool Warmup { get; init; }

    [JsonPropertyName("eventsPerSecond")]
    public double EventsPerSecond { get; init; }

    [JsonPropertyName("lag")]
    public long Lag { get; init; }

    [JsonPropertyName("latencyNs")]
    public required LatencyFigures LatencyNs { get; init; }

    [JsonPropertyName("rssBytes")]
    public long RssBytes { get; init; }

    [JsonPropertyName("gcHeapBytes")]
    public long GcHeapBytes { get; init; }

    [JsonPropertyName("gc")]
    public required GcFigures Gc { get; init; }

    [JsonPropertyName("allocatedBytesPerSecond")]
    public double AllocatedBytesPerSecond { get; init; }

    [JsonPropertyName("threads")]
    public int Threads { get; init; }

    [JsonPropertyName("handles")]
    public int Handles { get; init; }

    public static IntervalFigures From(IntervalSample s) => new()
    {
        T = Math.Round(s.ElapsedSeconds, 3),
        Warmup = s.Warmup,
        EventsPerSecond = Math.Round(s.EventsPerSecond),
        Lag = s.Lag,
        LatencyNs = new LatencyFigures { P50 = s.P50, P99 = s.P99, P999 = s.P999, Max = s.Max },
        RssBytes = s.RssBytes,
        GcHeapBytes = s.GcHeapBytes,
        Gc = new GcFigures { Gen0 = s.Gen0, Gen1 = s.Gen1, Gen2 = s.Gen2 },
        AllocatedBytesPerSecond = Math.Round(s.AllocatedBytesPerSecond),
        Threads = s.Threads,
        Handles = s.Handles,
    };
}

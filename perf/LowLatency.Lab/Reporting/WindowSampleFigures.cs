using System.Text.Json.Serialization;
using LowLatency.Lab.Demo;

namespace LowLatency.Lab.Reporting;

/// <summary>One element of a report's <c>windowSamples</c> array.</summary>
internal sealed record WindowSampleFigures
{
    [JsonPropertyName("kind")]
    public required string Kind { get; init; }

    [JsonPropertyName("symbol")]
    public int Symbol { get; init; }

    [JsonPropertyName("startUtc")]
    public DateTime StartUtc { get; init; }

    [JsonPropertyName("endUtc")]
    public DateTime EndUtc { get; init; }

    [JsonPropertyName("open")]
    public double Open { get; init; }

    [JsonPropertyName("high")]
    public double High { get; init; }

    [JsonPropertyName("low")]
    public double Low { get; init; }

    [JsonPropertyName("close")]
    public double Close { get; init; }

    [JsonPropertyName("vwap")]
    public double Vwap { get; init; }

    [JsonPropertyName("volume")]
    public long Volume { get; init; }

    [JsonPropertyName("count")]
    public long Count { get; init; }

    public static WindowSampleFigures From(WindowResult w) => new()
    {
        Kind = w.Kind,
        Symbol = w.Symbol,
        StartUtc = DateTime.UnixEpoch.AddTicks(w.StartNs / 100),
        EndUtc = DateTime.UnixEpoch.AddTicks(w.EndNs / 100),
        Open = w.Open,
        High = w.High,
        Low = w.Low,
        Close = w.Close,
        Vwap = Math.Round(w.Vwap, 4),
        Volume = w.Volume,
        Count = w.Count,
    };
}

using System.Text.Json.Serialization;

namespace LowLatency.Lab.Reporting;

/// <summary>The <c>gc</c> object of every report: collections per generation during the steady state.</summary>
internal sealed record GcFigures
{
    [JsonPropertyName("gen0")]
    public int Gen0 { get; init; }

    [JsonPropertyName("gen1")]
    public int Gen1 { get; init; }

    [JsonPropertyName("gen2")]
    public int Gen2 { get; init; }
}

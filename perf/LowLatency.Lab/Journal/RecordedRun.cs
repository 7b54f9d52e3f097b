using System.Text.Json.Serialization;

namespace LowLatency.Lab.Journal;

/// <summary>What <c>demo --journal DIR</c> leaves next to its journal (<c>recorded-run.json</c>): how to rebuild the pipeline, and what it output.</summary>
internal sealed record RecordedRun
{
    public const string FileName = "recorded-run.json";

    [JsonPropertyName("schema")]
    public int Schema { get; init; } = 1;

    [JsonPropertyName("outputHash")]
    public required string OutputHash { get; init; }

    [JsonPropertyName("events")]
    public long Events { get; init; }

    [JsonPropertyName("symbols")]
    public int Symbols { get; init; }

    [JsonPropertyName("outOfOrderBoundNs")]
    public long OutOfOrderBoundNs { get; init; }

    [JsonPropertyName("capacity")]
    public int Capacity { get; init; }

    [JsonPropertyName("topology")]
    public required string Topology { get; init; }

    [JsonPropertyName("timestampUtc")]
    public DateTime TimestampUtc { get; init; } = DateTime.UtcNow;
}

using System.Text.Json.Serialization;
using LowLatency.Lab.Bench;

namespace LowLatency.Lab.Journal;

/// <summary><c>replay --json</c>: what was replayed, how fast, and the output hash next to the recorded run's.</summary>
internal sealed record ReplayReport
{
    [JsonPropertyName("schema")]
    public int Schema { get; init; } = 1;

    [JsonPropertyName("command")]
    public string Command { get; init; } = "replay";

    [JsonPropertyName("timestampUtc")]
    public DateTime TimestampUtc { get; init; } = DateTime.UtcNow;

    [JsonPropertyName("machine")]
    public MachineInfo Machine { get; init; } = MachineInfo.Current;

    [JsonPropertyName("journal")]
    public required string Journal { get; init; }

    [JsonPropertyName("fromPosition")]
    public long FromPosition { get; init; }

    [JsonPropertyName("toPosition")]
    public long ToPosition { get; init; }

    /// <summary>0: max speed; otherwise the factor on the recorded pace.</summary>
    [JsonPropertyName("speed")]
    public double Speed { get; init; }

    [JsonPropertyName("events")]
    public long Events { get; init; }

    [JsonPropertyName("elapsedSeconds")]
    public double ElapsedSeconds { get; init; }

    [JsonPropertyName("eventsPerSecond")]
    public double EventsPerSecond { get; init; }

    [JsonPropertyName("windowsEmitted")]
    public long WindowsEmitted { get; init; }

    [JsonPropertyName("late")]
    public long Late { get; init; }

    /// <summary>The replay's output hash (the demo's <c>outputHash</c>, computed the same way).</summary>
    [JsonPropertyName("outputHash")]
    public required string OutputHash { get; init; }

    /// <summary>The recorded run's output hash (from <c>recorded-run.json</c>; null when the recording never finished).</summary>
    [JsonPropertyName("recordedOutputHash")]
    public string? RecordedOutputHash { get; init; }

    /// <summary>True/false when the whole journal was replayed and the recorded hash is known; null otherwise.</summary>
    [JsonPropertyName("identical")]
    public bool? Identical { get; init; }

    /// <summary>A torn tail the replay stopped at.</summary>
    [JsonPropertyName("damage")]
    public string? Damage { get; init; }

    /// <summary>True when Ctrl+C ended the replay early: the figures cover what ran, and no hash is compared.</summary>
    [JsonPropertyName("interrupted")]
    public bool Interrupted { get; init; }
}

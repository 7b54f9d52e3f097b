using System.Text.Json.Serialization;

namespace LowLatency.Lab.Reporting;

/// <summary>Source-generated JSON for the reports: no reflection, stable names from the attributes.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(LabReport))]
[JsonSerializable(typeof(PingPongReport))]
[JsonSerializable(typeof(FeedReport))]
[JsonSerializable(typeof(KafkaDemoReport))]
[JsonSerializable(typeof(LowLatency.Lab.Journal.RecordedRun))]
[JsonSerializable(typeof(LowLatency.Lab.Journal.ReplayReport))]
[JsonSerializable(typeof(LowLatency.Lab.Journal.JournalInspection))]
internal sealed partial class LabJsonContext : JsonSerializerContext
{
}

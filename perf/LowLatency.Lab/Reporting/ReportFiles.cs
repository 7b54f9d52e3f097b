using System.Text.Json;

namespace LowLatency.Lab.Reporting;

/// <summary>Writes reports to disk.</summary>
internal static class ReportFiles
{
    /// <summary>Writes <paramref name="report"/>; the path was checked before the run (<see cref="Commands.OutputPaths"/>).</summary>
    public static void WriteJson(string path, LabReport report) => File.WriteAllText(path, Serialize(report));

    public static void WriteJson(string path, PingPongReport report) =>
        File.WriteAllText(path, JsonSerializer.Serialize(report, LabJsonContext.Default.PingPongReport));

    public static void WriteJson(string path, FeedReport report) =>
        File.WriteAllText(path, JsonSerializer.Serialize(report, LabJsonContext.Default.FeedReport));

    public static void WriteJson(string path, KafkaDemoReport report) =>
        File.WriteAllText(path, JsonSerializer.Serialize(report, LabJsonContext.Default.KafkaDemoReport));

    public static string Serialize(LabReport report) => JsonSerializer.Serialize(report, LabJsonContext.Default.LabReport);
}

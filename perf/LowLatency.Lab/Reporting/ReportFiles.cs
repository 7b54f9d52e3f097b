using System.Text.Json;

namespace LowLatency.Lab.Reporting;

/// <summary>Writes reports to disk.</summary>
internal static class ReportFiles
{
    public static void WriteJson(string path, LabReport report)
    {
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllText(path, Serialize(report));
    }

    public static string Serialize(LabReport report) => JsonSerializer.Serialize(report, LabJsonContext.Default.LabReport);
}

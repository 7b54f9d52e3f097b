using System.Runtime.InteropServices;
using System.Text.Json.Serialization;

namespace LowLatency.Lab.Reporting;

/// <summary>The machine a report was measured on: a figure is meaningless without it.</summary>
internal sealed record MachineInfo
{
    [JsonPropertyName("os")]
    public string Os { get; init; } = RuntimeInformation.OSDescription;

    [JsonPropertyName("cpu")]
    public string Cpu { get; init; } = CpuModel();

    [JsonPropertyName("processorCount")]
    public int ProcessorCount { get; init; } = Environment.ProcessorCount;

    [JsonPropertyName("runtime")]
    public string Runtime { get; init; } = RuntimeInformation.FrameworkDescription;

    [JsonPropertyName("serverGc")]
    public bool ServerGc { get; init; } = System.Runtime.GCSettings.IsServerGC;

    public override string ToString() => $"{Cpu}, {ProcessorCount} logical CPUs, {Os}, {Runtime}";

    private static string CpuModel()
    {
        try
        {
            if (OperatingSystem.IsLinux())
            {
                foreach (string line in File.ReadLines("/proc/cpuinfo"))
                {
                    if (line.StartsWith("model name", StringComparison.Ordinal))
                    {
                        return line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
                    }
                }
            }
        }
        catch (IOException)
        {
        }

        return RuntimeInformation.ProcessArchitecture.ToString();
    }
}

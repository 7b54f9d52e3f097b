using System.Runtime.InteropServices;

namespace LowLatency.Lab.Bench;

/// <summary>The machine a figure was measured on: every report names it next to its numbers.</summary>
internal sealed record MachineInfo(string Cpu, int Cores, string Os, string Runtime, long MemoryBytes)
{
    public static MachineInfo Current { get; } = Read();

    public override string ToString() =>
        $"{Cpu}, {Cores} cores, {MemoryBytes / (1L << 30)} GiB, {Os}, {Runtime}";

    private static MachineInfo Read()
    {
        string cpu = RuntimeInformation.ProcessArchitecture.ToString();
        try
        {
            string? model = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            if (model is not null)
            {
                cpu = model[(model.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return new MachineInfo(
            cpu,
            Environment.ProcessorCount,
            RuntimeInformation.OSDescription,
            RuntimeInformation.FrameworkDescription,
            GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
    }
}

using System.Diagnostics;
using LowLatency.Testing.Kafka;

namespace LowLatency.Lab.Kafka;

/// <summary>Starts this very lab (same host, same assembly) as a child process with its output captured: the workers of <c>demo --kafka --workers N</c>.</summary>
internal static class SelfLauncher
{
    public static LabWorkerProcess Start(IReadOnlyList<string> arguments)
    {
        string host = Environment.ProcessPath ?? "dotnet";
        var info = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            info.ArgumentList.Add(typeof(SelfLauncher).Assembly.Location);
        }

        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return new LabWorkerProcess(Process.Start(info) ?? throw new InvalidOperationException($"could not start {host}"));
    }
}

using System.Diagnostics;

namespace LowLatency.Testing;

/// <summary>
/// Starts the built lab (<c>lowlatency.dll</c>) as a child process with redirected output, and sends it SIGINT
/// like a Ctrl+C in its terminal. The test project must build perf/LowLatency.Lab alongside itself.
/// </summary>
public static class LabLauncher
{
    /// <summary>Starts <c>dotnet lowlatency.dll</c> with <paramref name="arguments"/> (the command first), stdout and stderr redirected.</summary>
    public static Process Start(IEnumerable<string> arguments, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (workingDirectory is not null)
        {
            info.WorkingDirectory = workingDirectory;
        }

        info.ArgumentList.Add(LabDll());
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info) ?? throw new InvalidOperationException("could not start the lab");
    }

    /// <summary>
    /// What a terminal sends on Ctrl+C. Refuses, in one line, when the child ignores SIGINT: it inherited that from a
    /// test run started as a background job of a shell without job control, and would otherwise run on unnoticed.
    /// </summary>
    public static void Interrupt(Process process)
    {
        if (UnixSignal.Ignores(process.Id, UnixSignal.Interrupt))
        {
            throw new InvalidOperationException("the lab ignores SIGINT, inherited from this test run (a background job of a shell without job control?): run the tests in the foreground or after 'set -m'");
        }

        UnixSignal.Send(process.Id, UnixSignal.Interrupt);
    }

    /// <summary>perf/LowLatency.Lab/bin/&lt;configuration&gt;/net10.0/lowlatency.dll, found from this test's own output folder.</summary>
    private static string LabDll()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string framework = here.Name;
        string configuration = here.Parent!.Name;
        for (DirectoryInfo? dir = here; dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "perf", "LowLatency.Lab", "bin", configuration, framework, "lowlatency.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"lowlatency.dll ({configuration}/{framework}) not found above {here.FullName}; build perf/LowLatency.Lab.");
    }
}

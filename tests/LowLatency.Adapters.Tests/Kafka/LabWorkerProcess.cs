using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace LowLatency.Adapters.Tests.Kafka;

/// <summary>A <c>lowlatency kafka-worker</c> (or any lab command) child process (the lab is built with this test project).</summary>
internal sealed partial class LabWorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private LabWorkerProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static LabWorkerProcess Start(params string[] arguments) => StartLab(["kafka-worker", .. arguments]);

    /// <summary>Starts <c>lowlatency</c> with <paramref name="arguments"/> (the command first).</summary>
    public static LabWorkerProcess StartLab(params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(LabDll());
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return new LabWorkerProcess(Process.Start(info) ?? throw new InvalidOperationException("could not start the lab"));
    }

    /// <summary>SIGKILL: no finally block, no flush, no commit runs in the child.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: false);
        _process.WaitForExit();
    }

    /// <summary>SIGINT, as Ctrl+C in the child's terminal.</summary>
    public void Interrupt()
    {
        if (Kill(_process.Id, 2) != 0)
        {
            throw new InvalidOperationException($"kill(SIGINT) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
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

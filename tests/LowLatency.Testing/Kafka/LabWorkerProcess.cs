using System.Diagnostics;
using System.Text;
namespace LowLatency.Testing.Kafka;

/// <summary>A <c>lowlatency kafka-worker</c> (or any lab command) child process, its output captured.</summary>
public sealed class LabWorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _timedOutput = new();

    /// <summary>Exit code of a process ended by SIGKILL (128 + 9).</summary>
    public const int KilledExitCode = 137;

    public LabWorkerProcess(Process process)
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

    /// <summary>The output with each line's arrival time (UTC, ms), for a failure's message: which side did what first.</summary>
    public string TimedOutput
    {
        get
        {
            lock (_output)
            {
                return _timedOutput.ToString();
            }
        }
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Valid once <see cref="HasExited"/>.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>The last non-empty line of output.</summary>
    public string LastLine => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";

    public static LabWorkerProcess Start(params string[] arguments) => StartLab(["kafka-worker", .. arguments]);

    /// <summary>Starts <c>lowlatency</c> with <paramref name="arguments"/> (the command first).</summary>
    public static LabWorkerProcess StartLab(params string[] arguments) => new(LabLauncher.Start(arguments));

    /// <summary>SIGKILL: no finally block, no flush, no commit runs in the child.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: false);
        _process.WaitForExit();
    }

    /// <summary>SIGINT, as Ctrl+C in the child's terminal.</summary>
    public void Interrupt() => LabLauncher.Interrupt(_process);

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

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
            _timedOutput.Append(DateTime.UtcNow.ToString("HH:mm:ss.fff ", System.Globalization.CultureInfo.InvariantCulture)).AppendLine(line);
        }
    }
}

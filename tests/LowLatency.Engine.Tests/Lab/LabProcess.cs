using System.Diagnostics;
using System.Text;
using LowLatency.Testing;

namespace LowLatency.Engine.Tests.Lab;

/// <summary>
/// A <c>lowlatency</c> child process (the lab is built with this test project) whose output lines can be
/// awaited, and which can be sent SIGINT like a Ctrl+C in its terminal.
/// </summary>
internal sealed class LabProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly List<(string Text, TaskCompletionSource<string> Seen)> _waits = [];

    private LabProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(_stdout, e.Data);
        _process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Stdout => Read(_stdout);

    public string Stderr => Read(_stderr);

    public int ExitCode => _process.ExitCode;

    public static LabProcess Start(string workingDirectory, params string[] arguments) =>
        new(LabLauncher.Start(arguments, workingDirectory));

    /// <summary>Completes with the first output line (stdout or stderr) containing <paramref name="text"/>.</summary>
    public Task<string> LineContaining(string text)
    {
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waits)
        {
            foreach (string line in (Stdout + Stderr).Split('\n'))
            {
                if (line.Contains(text, StringComparison.Ordinal))
                {
                    seen.SetResult(line);
                    return seen.Task;
                }
            }

            _waits.Add((text, seen));
        }

        return seen.Task;
    }

    /// <summary>What a terminal sends on Ctrl+C.</summary>
    public void Interrupt() => LabLauncher.Interrupt(_process);

    /// <summary>Waits for the exit; throws <see cref="TimeoutException"/> naming the output when it does not come within <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var bound = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(bound.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"the lab did not exit within {timeout}; stdout:\n{Stdout}\nstderr:\n{Stderr}");
        }

        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private static string Read(StringBuilder text)
    {
        lock (text)
        {
            return text.ToString();
        }
    }

    private void Append(StringBuilder text, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_waits)
        {
            lock (text)
            {
                text.AppendLine(line);
            }

            for (int i = _waits.Count - 1; i >= 0; i--)
            {
                if (line.Contains(_waits[i].Text, StringComparison.Ordinal))
                {
                    _waits[i].Seen.TrySetResult(line);
                    _waits.RemoveAt(i);
                }
            }
        }
    }
}

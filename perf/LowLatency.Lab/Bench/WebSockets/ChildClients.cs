using System.Diagnostics;

namespace LowLatency.Lab.Bench.WebSockets;

/// <summary>
/// The bench's clients in a child process (<c>lowlatency fanout-clients</c>) at the lowest CPU priority
/// (<c>nice -n 19</c>): on a two-core box they then take only the CPU the server leaves idle, as clients on other
/// machines would, while the server's own work for them (sending, conflating) is still measured in this process.
/// </summary>
internal sealed class ChildClients : IAsyncDisposable
{
    private readonly Process _process;

    private ChildClients(Process process) => _process = process;

    public static async Task<ChildClients> StartAsync(Uri uri, int clients, int stalled)
    {
        string host = Environment.ProcessPath ?? "dotnet";
        var start = new ProcessStartInfo(File.Exists("/usr/bin/nice") ? "/usr/bin/nice" : host)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (start.FileName == "/usr/bin/nice")
        {
            start.ArgumentList.Add("-n");
            start.ArgumentList.Add("19");
            start.ArgumentList.Add(host);
        }

        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            start.ArgumentList.Add(typeof(ChildClients).Assembly.Location);
        }

        foreach (string argument in new[] { "fanout-clients", "--uri", uri.ToString(), "--clients", clients.ToString(), "--stalled", stalled.ToString() })
        {
            start.ArgumentList.Add(argument);
        }

        Process process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the fanout-clients child process.");
        var child = new ChildClients(process);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            string? line = await process.StandardOutput.ReadLineAsync(timeout.Token);
            if (line != $"connected {clients}")
            {
                string error = await process.StandardError.ReadToEndAsync(timeout.Token);
                throw new InvalidOperationException($"fanout-clients child: expected 'connected {clients}', got '{line}'. {error}");
            }
        }
        catch (OperationCanceledException)
        {
            await child.DisposeAsync();
            throw new TimeoutException($"fanout-clients child: {clients} clients not connected within 120 s.");
        }

        return child;
    }

    /// <summary>The CPU time the child process has used so far (every thread, user and kernel).</summary>
    public TimeSpan ProcessorTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Closing stdin ends the child; a bounded wait, then kill.
        _process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}

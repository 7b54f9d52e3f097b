namespace LowLatency.Lab.Commands;

/// <summary>Turns Ctrl+C into an early, orderly end of a run (drain, verify, report) instead of a kill.</summary>
internal sealed class CtrlC : IDisposable
{
    private readonly CancellationTokenSource _source = new();

    public CtrlC() => Console.CancelKeyPress += OnCancel;

    public CancellationToken Token => _source.Token;

    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancel;
        _source.Dispose();
    }

    private void OnCancel(object? sender, ConsoleCancelEventArgs e)
    {
        // A second Ctrl+C kills the process as usual.
        if (!_source.IsCancellationRequested)
        {
            e.Cancel = true;
            _source.Cancel();
        }
    }
}

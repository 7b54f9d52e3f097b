namespace LowLatency.Hosting;

/// <summary>Adapts a source with its own start and stop methods (e.g. <c>TcpSource.Start</c> / <c>StopAsync</c>) to <see cref="IPipelineSource"/>.</summary>
public static class PipelineSource
{
    /// <summary>A source started by <paramref name="start"/> and stopped by <paramref name="stop"/>.</summary>
    public static IPipelineSource Create(Action start, Func<CancellationToken, Task> stop)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(stop);
        return new DelegateSource(start, stop);
    }

    private sealed class DelegateSource(Action start, Func<CancellationToken, Task> stop) : IPipelineSource
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            start();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => stop(cancellationToken);
    }
}

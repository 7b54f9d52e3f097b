using LowLatency.Engine.Processing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LowLatency.Hosting;

/// <summary>
/// Starts a hosted pipeline and then its sources; on host shutdown stops the sources (reverse order) and
/// drains the pipeline, within the host's shutdown timeout: when the host's token fires, the drain turns into
/// a stop (the stages halt at their next barrier), this returns at once, and what was left unhandled is logged.
/// </summary>
internal sealed partial class PipelineHostedService<T>(PipelineHost<T> host) : IHostedService
    where T : struct
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        host.Pipeline.Start();
        host.Started = true;
        foreach (IPipelineSource source in host.Sources)
        {
            await source.StartAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            for (int i = host.Sources.Count - 1; i >= 0; i--)
            {
                await host.Sources[i].StopAsync(cancellationToken).ConfigureAwait(false);
            }

            await host.Pipeline.DrainAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host's shutdown timeout: the cancelled drain has halted the stages; say what is left unhandled.
            long unhandled = host.Pipeline.RingBuffer.Cursor.ValueAcquire - host.Pipeline.CompletedSequence;
            LogDrainCutShort(host.Logger, host.Name, unhandled);
        }
        catch (PipelineFaultedException)
        {
            // Already logged by the engine when the stage halted the pipeline; the host's own shutdown goes on.
        }
        finally
        {
            host.Metrics.Dispose();
        }
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Warning, Message = "Pipeline '{Pipeline}': the host's shutdown timeout ended the drain; stopped with {Unhandled} published event(s) unhandled")]
    private static partial void LogDrainCutShort(ILogger logger, string pipeline, long unhandled);
}

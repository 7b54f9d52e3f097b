namespace LowLatency.Hosting;

/// <summary>
/// Something that publishes into a hosted pipeline from outside (a TCP or Kafka source, a feed): started
/// after the pipeline, stopped before it drains, so everything a source accepted is handled on shutdown.
/// </summary>
public interface IPipelineSource
{
    /// <summary>Starts publishing; the pipeline is running.</summary>
    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>Stops accepting input; returns once nothing more will be published. Honour the token: it is the host's shutdown timeout.</summary>
    Task StopAsync(CancellationToken cancellationToken);
}

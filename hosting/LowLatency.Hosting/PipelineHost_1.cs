using LowLatency.Engine.Diagnostics;
using LowLatency.Engine.Pipelines;
using Microsoft.Extensions.Logging;

namespace LowLatency.Hosting;

/// <summary>One hosted pipeline: built from its validated options, with its stages, metrics and sources.</summary>
internal sealed class PipelineHost<T>
    where T : struct
{
    // Written by the hosted service, read by health checks on any thread.
    private bool _started;

    public PipelineHost(IServiceProvider services, PipelineRegistration<T> registration, PipelineOptions options, PipelineMetricsOptions metricsOptions, ILogger logger)
    {
        Name = registration.Name;
        Logger = logger;
        Pipeline = Pipeline<T>.Create(options with { Name = registration.Name, Logger = logger });
        registration.ConfigureStages(services, Pipeline);
        Metrics = PipelineMetrics.Attach(Pipeline, metricsOptions);
        var sources = new List<IPipelineSource>(registration.Sources.Count);
        foreach (Func<IServiceProvider, Pipeline<T>, IPipelineSource> create in registration.Sources)
        {
            sources.Add(create(services, Pipeline));
        }

        Sources = sources;
    }

    public string Name { get; }

    public ILogger Logger { get; }

    public Pipeline<T> Pipeline { get; }

    public PipelineMetrics Metrics { get; }

    public IReadOnlyList<IPipelineSource> Sources { get; }

    /// <summary>Set by the hosted service once the pipeline has started; read by the health check.</summary>
    public bool Started
    {
        get => Volatile.Read(ref _started);
        set => Volatile.Write(ref _started, value);
    }
}

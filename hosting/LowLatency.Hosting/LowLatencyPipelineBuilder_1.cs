using LowLatency.Engine.Pipelines;
using Microsoft.Extensions.DependencyInjection;

namespace LowLatency.Hosting;

/// <summary>Adds sources to a pipeline registered with <see cref="LowLatencyServiceCollectionExtensions.AddLowLatencyPipeline{T}"/>.</summary>
/// <typeparam name="T">The event type of the pipeline.</typeparam>
public sealed class LowLatencyPipelineBuilder<T>
    where T : struct
{
    private readonly PipelineRegistration<T> _registration;

    internal LowLatencyPipelineBuilder(IServiceCollection services, PipelineRegistration<T> registration)
    {
        Services = services;
        _registration = registration;
    }

    /// <summary>The service collection, for further registrations.</summary>
    public IServiceCollection Services { get; }

    /// <summary>The pipeline's name: its key in the container, its <c>pipeline</c> metrics tag, its health check's name suffix.</summary>
    public string Name => _registration.Name;

    /// <summary>
    /// Adds a source, created once the pipeline is built, started after it starts (in the order added) and
    /// stopped before it drains (in reverse order).
    /// </summary>
    public LowLatencyPipelineBuilder<T> AddSource(Func<IServiceProvider, Pipeline<T>, IPipelineSource> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        _registration.Sources.Add(factory);
        return this;
    }
}

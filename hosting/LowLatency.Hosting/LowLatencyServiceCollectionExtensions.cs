using LowLatency.Engine.Diagnostics;
using LowLatency.Engine.Pipelines;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LowLatency.Hosting;

/// <summary>Registers LowLatency pipelines with a .NET host.</summary>
public static class LowLatencyServiceCollectionExtensions
{
    /// <summary>The configuration section a pipeline's options are bound from unless another is given: <c>LowLatency:Pipelines:{name}</c>.</summary>
    public static string DefaultSection(string name) => $"LowLatency:Pipelines:{name}";

    /// <summary>
    /// Registers a pipeline of <typeparamref name="T"/> named <paramref name="name"/>:
    /// <list type="bullet">
    /// <item><see cref="PipelineOptions"/> bound from <paramref name="configurationSection"/> (default
    /// <c>LowLatency:Pipelines:{name}</c>) and <see cref="PipelineMetricsOptions"/> from its <c>Metrics</c>
    /// subsection, validated when the host starts (a bad value fails the start, naming its key);</item>
    /// <item>the <see cref="Pipeline{T}"/> (keyed by name; the first one of <typeparamref name="T"/> also
    /// unkeyed) and its <see cref="PipelineMetrics"/> (keyed), with the host's logger;</item>
    /// <item>a hosted service that starts the pipeline, then its sources, and on shutdown stops the sources
    /// and drains the pipeline within the host's shutdown timeout;</item>
    /// <item>a health check <c>lowlatency:{name}</c> (tag <c>lowlatency</c>).</item>
    /// </list>
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="name">The pipeline's name (metrics tag, thread names, container key).</param>
    /// <param name="configureStages">Adds the stages, with the host's services at hand. Runs once, when the pipeline is first resolved.</param>
    /// <param name="configurationSection">Where the options are bound from; default <c>LowLatency:Pipelines:{name}</c>.</param>
    public static LowLatencyPipelineBuilder<T> AddLowLatencyPipeline<T>(
        this IServiceCollection services,
        string name,
        Action<IServiceProvider, Pipeline<T>> configureStages,
        string? configurationSection = null)
        where T : struct
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configureStages);
        string section = configurationSection ?? DefaultSection(name);
        var registration = new PipelineRegistration<T>(name, section, configureStages);

        services.AddOptions<PipelineOptions>(name).BindConfiguration(section).ValidateOnStart();
        services.AddOptions<PipelineMetricsOptions>(name).BindConfiguration(section + ":Metrics").ValidateOnStart();
        services.AddSingleton<IValidateOptions<PipelineOptions>>(
            new OptionsValidator<PipelineOptions>(name, section, nameof(PipelineOptions), static o => o.Validate()));
        services.AddSingleton<IValidateOptions<PipelineMetricsOptions>>(
            new OptionsValidator<PipelineMetricsOptions>(name, section + ":Metrics", nameof(PipelineMetricsOptions), static o => o.Validate()));

        services.AddKeyedSingleton(name, (provider, _) => new PipelineHost<T>(
            provider,
            registration,
            provider.GetRequiredService<IOptionsMonitor<PipelineOptions>>().Get(name),
            provider.GetRequiredService<IOptionsMonitor<PipelineMetricsOptions>>().Get(name),
            (provider.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger($"LowLatency.Pipeline.{name}")));
        services.AddKeyedSingleton(name, (provider, key) => provider.GetRequiredKeyedService<PipelineHost<T>>(key).Pipeline);
        services.AddKeyedSingleton(name, (provider, key) => provider.GetRequiredKeyedService<PipelineHost<T>>(key).Metrics);
        services.TryAddSingleton(provider => provider.GetRequiredKeyedService<Pipeline<T>>(name));
        services.AddSingleton<IHostedService>(provider => new PipelineHostedService<T>(provider.GetRequiredKeyedService<PipelineHost<T>>(name)));
        services.AddHealthChecks().Add(new HealthCheckRegistration(
            $"lowlatency:{name}",
            provider => new PipelineHealthCheck<T>(provider.GetRequiredKeyedService<PipelineHost<T>>(name)),
            failureStatus: null,
            tags: ["lowlatency"]));
        return new LowLatencyPipelineBuilder<T>(services, registration);
    }
}

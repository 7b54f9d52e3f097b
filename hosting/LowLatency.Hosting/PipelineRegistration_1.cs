using LowLatency.Engine.Pipelines;

namespace LowLatency.Hosting;

/// <summary>What <see cref="LowLatencyServiceCollectionExtensions.AddLowLatencyPipeline{T}"/> registered for one pipeline: its stages and sources.</summary>
internal sealed class PipelineRegistration<T>(string name, string configurationSection, Action<IServiceProvider, Pipeline<T>> configureStages)
    where T : struct
{
    public string Name { get; } = name;

    /// <summary>The configuration section the options are bound from (named in validation failures).</summary>
    public string ConfigurationSection { get; } = configurationSection;

    public Action<IServiceProvider, Pipeline<T>> ConfigureStages { get; } = configureStages;

    public List<Func<IServiceProvider, Pipeline<T>, IPipelineSource>> Sources { get; } = [];
}

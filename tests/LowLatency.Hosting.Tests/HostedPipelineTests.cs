using LowLatency.Engine.Diagnostics;
using LowLatency.Engine.Pipelines;
using LowLatency.Engine.Processing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using NUnit.Framework;

namespace LowLatency.Hosting.Tests;

/// <summary>
/// A pipeline hosted by a real <see cref="IHost"/>: options bound from configuration and validated at start,
/// sources started after the pipeline and stopped before it drains, the drain bounded by the host's shutdown
/// timeout, health and metrics resolved from the container.
/// </summary>
public sealed class HostedPipelineTests
{
    [Test]
    [CancelAfter(30_000)]
    public async Task StopAsync_AfterPublishing_DrainsEveryEventThenShutsDownDrained()
    {
        var recorder = new Recorder();
        using IHost host = Build(recorder, [("LowLatency:Pipelines:ticks:Capacity", "1024")]);
        await host.StartAsync();
        var pipeline = host.Services.GetRequiredService<Pipeline<Tick>>();
        recorder.Gate.Reset(); // a backlog builds up behind the first event
        for (int i = 0; i < 500; i++)
        {
            pipeline.RingBuffer.Publish(new Tick { Value = i });
        }

        Task stopping = host.StopAsync();
        recorder.Gate.Set();
        await stopping;

        Assert.Multiple(() =>
        {
            Assert.That(recorder.Values, Is.EqualTo(Enumerable.Range(0, 500).Select(i => (long)i)), "every published event handled, in order");
            Assert.That(recorder.Shutdown, Is.EqualTo(ShutdownReason.Drained));
            Assert.That(pipeline.Completion.IsCompletedSuccessfully, Is.True);
            Assert.That(pipeline.RingBuffer.Capacity, Is.EqualTo(1024), "Capacity bound from configuration");
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Sources_StartAfterThePipelineAndStopBeforeItDrains()
    {
        var recorder = new Recorder();
        var steps = new List<string>();
        using IHost host = Build(recorder, [], builder => builder.AddSource((_, pipeline) => PipelineSource.Create(
            start: () =>
            {
                steps.Add("source started");
                for (int i = 0; i < 100; i++)
                {
                    pipeline.RingBuffer.Publish(new Tick { Value = i }); // the pipeline already runs
                }
            },
            stop: _ =>
            {
                steps.Add($"source stopped, pipeline still running: {!pipeline.Completion.IsCompleted}");
                return Task.CompletedTask;
            })));

        await host.StartAsync();
        await host.StopAsync();

        Assert.Multiple(() =>
        {
            Assert.That(steps, Is.EqualTo(new[] { "source started", "source stopped, pipeline still running: True" }));
            Assert.That(recorder.Values, Has.Count.EqualTo(100));
        });
    }

    [TestCase("Capacity", "1000", "LowLatency:Pipelines:ticks:Capacity")]
    [TestCase("DrainTimeout", "-00:00:01", "LowLatency:Pipelines:ticks:DrainTimeout")]
    [TestCase("Metrics:LatencySampleInterval", "1000", "LowLatency:Pipelines:ticks:Metrics:LatencySampleInterval")]
    [CancelAfter(30_000)]
    public void StartAsync_InvalidOption_FailsNamingTheConfigurationKey(string key, string value, string named)
    {
        var recorder = new Recorder();
        using IHost host = Build(recorder, [($"LowLatency:Pipelines:ticks:{key}", value)]);

        Assert.That(async () => await host.StartAsync(), Throws.InstanceOf<OptionsValidationException>().With.Message.Contains(named));
        Assert.That(recorder.Entered.IsSet, Is.False, "nothing ran");
    }

    [Test]
    [CancelAfter(30_000)]
    public void StartAsync_UnparsableOption_FailsNamingTheConfigurationKey()
    {
        using IHost host = Build(new Recorder(), [("LowLatency:Pipelines:ticks:WaitStrategy", "Fastest")]);

        Assert.That(async () => await host.StartAsync(), Throws.InstanceOf<InvalidOperationException>().With.Message.Contains("LowLatency:Pipelines:ticks:WaitStrategy"));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task StopAsync_HostShutdownTimeoutEndsTheDrain_StopsAndLogsWhatWasLeft()
    {
        var recorder = new Recorder();
        var logs = new FakeLogCollector();
        using IHost host = Build(recorder, [], configureHost: services =>
        {
            services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMilliseconds(300));
            services.AddLogging(l => l.AddProvider(new FakeLoggerProvider(logs)));
        });
        await host.StartAsync();
        var pipeline = host.Services.GetRequiredService<Pipeline<Tick>>();
        recorder.Gate.Reset();
        for (int i = 0; i < 100; i++)
        {
            pipeline.RingBuffer.Publish(new Tick { Value = i });
        }

        Assert.That(recorder.Entered.Wait(TimeSpan.FromSeconds(10)), Is.True);
        Task stopping = host.StopAsync();
        FakeLogRecord cut = await WaitForLog(logs, "the host's shutdown timeout ended the drain");
        recorder.Gate.Set(); // the held event completes; the stage then halts instead of taking the backlog
        await stopping.WaitAsync(TimeSpan.FromSeconds(10));
        await pipeline.Completion.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Multiple(() =>
        {
            Assert.That(cut.Level, Is.EqualTo(LogLevel.Warning));
            Assert.That(recorder.Shutdown, Is.EqualTo(ShutdownReason.Stopped));
            Assert.That(recorder.Values, Has.Count.LessThan(100), "the backlog was left when the host's time ran out");
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task StartAsync_CancelledToken_ThrowsAndStartsNothing()
    {
        var recorder = new Recorder();
        using IHost host = Build(recorder, []);

        Assert.That(async () => await host.StartAsync(new CancellationToken(canceled: true)), Throws.InstanceOf<OperationCanceledException>());
        Assert.That((await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Status, Is.EqualTo(HealthStatus.Unhealthy), "not started");
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task HealthCheck_RunningThenHalted_HealthyThenUnhealthyNamingTheStage()
    {
        var recorder = new Recorder { FailOn = 3 };
        using IHost host = Build(recorder, []);
        await host.StartAsync();
        var health = host.Services.GetRequiredService<HealthCheckService>();
        HealthReport running = await health.CheckHealthAsync();
        var pipeline = host.Services.GetRequiredService<Pipeline<Tick>>();
        for (int i = 0; i < 5; i++)
        {
            pipeline.RingBuffer.TryPublish(new Tick { Value = i });
        }

        Assert.That(async () => await pipeline.Completion, Throws.InstanceOf<PipelineFaultedException>());
        HealthReport halted = await health.CheckHealthAsync();
        await host.StopAsync();

        Assert.Multiple(() =>
        {
            Assert.That(running.Status, Is.EqualTo(HealthStatus.Healthy));
            Assert.That(running.Entries["lowlatency:ticks"].Data["capacity"], Is.EqualTo(4096L));
            Assert.That(halted.Status, Is.EqualTo(HealthStatus.Unhealthy));
            Assert.That(halted.Entries["lowlatency:ticks"].Description, Is.EqualTo("stage 'record' halted the pipeline at sequence 3"));
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Container_ResolvesThePipelineByNameAndItsMetrics()
    {
        using IHost host = Build(new Recorder(), []);
        await host.StartAsync();

        var keyed = host.Services.GetRequiredKeyedService<Pipeline<Tick>>("ticks");
        var metrics = host.Services.GetRequiredKeyedService<PipelineMetrics>("ticks");
        await host.StopAsync();

        Assert.Multiple(() =>
        {
            Assert.That(keyed, Is.SameAs(host.Services.GetRequiredService<Pipeline<Tick>>()));
            Assert.That(metrics.PipelineName, Is.EqualTo("ticks"));
            Assert.That(keyed.Options.Name, Is.EqualTo("ticks"));
        });
    }

    private static IHost Build(Recorder recorder, (string Key, string Value)[] settings, Action<LowLatencyPipelineBuilder<Tick>>? configure = null, Action<IServiceCollection>? configureHost = null)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection([new("LowLatency:Pipelines:ticks:WaitStrategy", "Blocking")]);
        builder.Configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
        LowLatencyPipelineBuilder<Tick> pipeline = builder.Services.AddLowLatencyPipeline<Tick>("ticks", (_, p) =>
            p.HandleEventsWith(new RecordingStage(recorder), StageOptions.Default with { Name = "record", MaxBatchSize = 1 }));
        configure?.Invoke(pipeline);
        configureHost?.Invoke(builder.Services);
        return builder.Build();
    }

    private static async Task<FakeLogRecord> WaitForLog(FakeLogCollector logs, string text)
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            if (logs.GetSnapshot().FirstOrDefault(r => r.Message.Contains(text, StringComparison.Ordinal)) is { } record)
            {
                return record;
            }

            await Task.Delay(10, bound.Token);
        }
    }
}

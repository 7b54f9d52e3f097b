using System.Diagnostics;
using LowLatency.Adapters.Kafka;
using LowLatency.Engine.Pipelines;
using LowLatency.Testing.Kafka;

namespace LowLatency.Adapters.Tests.Kafka;

/// <summary>In-process ticks → <see cref="ForwardStage"/> → ticks-out, the sink gating the source's commits.</summary>
internal sealed class ForwardRig : IAsyncDisposable
{
    private bool _stopped;

    public ForwardRig(string bootstrap, string input, string output, string group, int capacity = 4096, ManualResetEventSlim? gate = null, TimeSpan? deliveryTimeout = null, TimeSpan? stopTimeout = null)
    {
        Pipeline = Pipeline<Tick>.Create(PipelineOptions.Default with { Name = "forward", Capacity = capacity, WaitStrategy = WaitStrategyKind.Blocking });
        Sink = new KafkaSink<Tick>(TickCodec.Instance, KafkaSinkOptions.Default with
        {
            BootstrapServers = bootstrap,
            Topic = output,
            DeliveryTimeout = deliveryTimeout ?? TimeSpan.FromSeconds(30),
        });
        Pipeline.HandleEventsWith(new ForwardStage(Sink, gate));
        Source = new KafkaSource<Tick>(Pipeline, TickCodec.Instance, KafkaSourceOptions.Default with
        {
            BootstrapServers = bootstrap,
            GroupId = group,
            Topics = [input],
            SessionTimeout = TimeSpan.FromMilliseconds(1500),
            StopTimeout = stopTimeout ?? TimeSpan.FromSeconds(10),
            Settings = Environment.GetEnvironmentVariable("LOWLATENCY_KAFKA_DEBUG") is { Length: > 0 } debug ? new Dictionary<string, string> { ["debug"] = debug } : new Dictionary<string, string>(),

        });
        Source.AddCommitGate(Sink);
        Pipeline.Start();
        Source.Start();
    }

    public Pipeline<Tick> Pipeline { get; }

    public KafkaSource<Tick> Source { get; }

    public KafkaSink<Tick> Sink { get; }

    public override string ToString() =>
        $"consumed={Source.Consumed} paused={Source.IsPaused} pauses={Source.Pauses} caughtUp={Source.IsCaughtUp} completed={Pipeline.CompletedSequence} " +
        $"produced={Sink.Produced} delivered={Sink.Delivered} failed={Sink.Failed} safe={Sink.SafeSequence} fault={Sink.Fault?.Message} {Source.DescribePartitions()}";

    /// <summary>Polls a condition every 10 ms (an observation of another thread's progress, not a synchronization sleep).</summary>
    public async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"{what} did not happen within {timeout}: {this}");
            }

            await Task.Delay(10);
        }
    }

    public async Task StopAsync()
    {
        _stopped = true;
        Task sourceStopped = Source.StopAsync();
        await Pipeline.DrainAsync();
        using (var flushBound = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            await Sink.FlushAsync(flushBound.Token);
        }

        await sourceStopped;
        await Sink.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await Source.DisposeAsync();
            await Pipeline.DisposeAsync();
            await Sink.DisposeAsync();
        }
    }
}

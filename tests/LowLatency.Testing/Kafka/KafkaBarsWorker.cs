using System.Diagnostics;
using LowLatency.Adapters.Kafka;
using LowLatency.Engine.Pipelines;

namespace LowLatency.Testing.Kafka;

/// <summary>
/// The engine as a Kafka worker: ticks topic → <see cref="KafkaSource{T}"/> → <see cref="BarStage"/> →
/// <see cref="KafkaSink{T}"/> → bars topic, the sink gating the source's commits (at least once). Or exactly
/// once: bars and the open windows (per-partition state) commit through the source's
/// <see cref="KafkaExactlyOnce{T}"/>. Used in-process by tests, and by the lab's <c>kafka-worker</c> command (a
/// child process tests kill) and <c>demo --kafka</c>.
/// </summary>
public sealed class KafkaBarsWorker : IAsyncDisposable
{
    private bool _stopped;

    private KafkaBarsWorker(string bootstrap, string input, string output, string group, long windowSize, int ringCapacity, TimeSpan sessionTimeout, int maxKeys, TimeSpan brokerTimeout, KafkaExactlyOnceOptions? exactlyOnce, IReadOnlyDictionary<string, string>? sourceSettings)
    {
        Pipeline = Pipeline<Tick>.Create(PipelineOptions.Default with { Name = "kafka-worker", Capacity = ringCapacity, WaitStrategy = WaitStrategyKind.Blocking });
        Sink = exactlyOnce is null ? new KafkaSink<Bar>(BarCodec.Instance, KafkaSinkOptions.Default with { Name = "bars", BootstrapServers = bootstrap, Topic = output }) : null;
        Windows = new BarWindows(Sink, windowSize, maxKeys);
        Pipeline.HandleEventsWith(new BarStage(Windows));
        Source = new KafkaSource<Tick>(Pipeline, TickCodec.Instance, KafkaSourceOptions.Default with
        {
            Name = "ticks",
            BootstrapServers = bootstrap,
            GroupId = group,
            Topics = [input],
            SessionTimeout = sessionTimeout,
            BrokerTimeout = brokerTimeout,
            Settings = sourceSettings ?? KafkaSourceOptions.Default.Settings,
        });
        if (exactlyOnce is null)
        {
            Source.AddCommitGate(Sink!);
            Windows.TrackPartitionsOf(Source);
        }
        else
        {
            ExactlyOnce = Source.UseExactlyOnce(BarCodec.Instance, Windows, exactlyOnce with { BootstrapServers = bootstrap, OutputTopic = output });
            Windows.ProduceExactlyOnce(ExactlyOnce);
        }
    }

    public Pipeline<Tick> Pipeline { get; }

    public KafkaSource<Tick> Source { get; }

    /// <summary>The bars sink (at least once); null when exactly once.</summary>
    public KafkaSink<Bar>? Sink { get; }

    /// <summary>The transactional bars output and state (exactly once); null when at least once.</summary>
    public KafkaExactlyOnce<Bar>? ExactlyOnce { get; }

    /// <summary>One line if the source or the pipeline stopped on its own, else null.</summary>
    public string? Failure =>
        Source.Completion.Exception?.InnerException?.Message
        ?? (Pipeline.Fault is { } fault ? $"the pipeline halted: stage {fault.Stage} at sequence {fault.Sequence}: {fault.Error.Message}" : null);

    public BarWindows Windows { get; }

    /// <summary>
    /// Starts a worker. <paramref name="exactlyOnce"/>: exactly once with these options (state topic,
    /// transactional id, commit interval; bootstrap and output topic are filled in), or null for at least once.
    /// <paramref name="sourceSettings"/>: librdkafka settings of the source's consumer (<see cref="KafkaSourceOptions.Settings"/>).
    /// </summary>
    public static KafkaBarsWorker Start(string bootstrap, string input = "ticks", string output = "bars", string group = "bars-worker", long windowSize = 1000, int ringCapacity = 4096, TimeSpan? sessionTimeout = null, int maxKeys = 1024, TimeSpan? brokerTimeout = null, KafkaExactlyOnceOptions? exactlyOnce = null, IReadOnlyDictionary<string, string>? sourceSettings = null)
    {
        var worker = new KafkaBarsWorker(bootstrap, input, output, group, windowSize, ringCapacity, sessionTimeout ?? TimeSpan.FromMilliseconds(1500), maxKeys, brokerTimeout ?? KafkaSourceOptions.Default.BrokerTimeout, exactlyOnce, sourceSettings);
        worker.Pipeline.Start();
        worker.Source.Start();
        return worker;
    }

    public override string ToString() =>
        $"consumed={Source.Consumed} caughtUp={Source.IsCaughtUp} paused={Source.IsPaused} revocations={Source.Revocations} " +
        $"cursor={Pipeline.RingBuffer.Cursor.ValueAcquire} completed={Pipeline.CompletedSequence} ticks={Windows.Ticks} bars={Windows.Bars} rejectedKeys={Windows.RejectedKeys} handedOver={Windows.HandedOver} malformed={Source.Malformed} " +
        (Sink is not null
            ? $"produced={Sink.Produced} delivered={Sink.Delivered} safe={Sink.SafeSequence} "
            : $"produced={ExactlyOnce!.Produced} commits={ExactlyOnce.Commits} claims={ExactlyOnce.Claims} owned={ExactlyOnce.Owned} commitMeanMs={ExactlyOnce.MeanCommitLatency.TotalMilliseconds:F1} commitMaxMs={ExactlyOnce.MaxCommitLatency.TotalMilliseconds:F1} ") +
        $"source={Source.Completion.Status} pipeline={Pipeline.Completion.Status}";

    /// <summary>
    /// Returns once every assigned partition has been at its end for <paramref name="quiet"/> in a row, or as soon as
    /// the source or the pipeline has stopped on its own (check <see cref="Failure"/>).
    /// </summary>
    public async Task WaitCaughtUpAsync(TimeSpan quiet, CancellationToken cancellationToken, Action<string>? progress = null)
    {
        long since = 0;
        long lastReport = Stopwatch.GetTimestamp();
        while (true)
        {
            if (progress is not null && Stopwatch.GetElapsedTime(lastReport) > TimeSpan.FromSeconds(1))
            {
                lastReport = Stopwatch.GetTimestamp();
                progress(ToString());
            }

            if (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException($"worker did not catch up: {this}", cancellationToken);
            }

            if (Source.Completion.IsCompleted || Pipeline.Completion.IsCompleted)
            {
                // One of them stopped on its own (see Failure). The other may never complete by itself — a pipeline
                // waits for events from a source that faulted — so waiting for both hung a worker whose brokers
                // were gone (a kafka-worker outlived its cluster by minutes).
                return;
            }

            if (Source.IsCaughtUp && Pipeline.CompletedSequence == Pipeline.RingBuffer.Cursor.ValueAcquire)
            {
                since = since == 0 ? Stopwatch.GetTimestamp() : since;
                if (Stopwatch.GetElapsedTime(since) >= quiet)
                {
                    return;
                }
            }
            else
            {
                since = 0;
            }

            await Task.Delay(20, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Stops fetching, drains (every window fires), flushes, commits, leaves the group.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        if (ExactlyOnce is not null)
        {
            // The source's stop leaves the group: the revocation commits every task with the pipeline idle.
            await Source.StopAsync().ConfigureAwait(false);
            await Pipeline.DrainAsync().ConfigureAwait(false);
            ExactlyOnce.Dispose();
            return;
        }

        Task sourceStopped = Source.StopAsync();
        await Pipeline.DrainAsync().ConfigureAwait(false);
        using (var flushBound = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            await Sink!.FlushAsync(flushBound.Token).ConfigureAwait(false);
        }

        await sourceStopped.ConfigureAwait(false);
        await Sink.DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await Source.DisposeAsync().ConfigureAwait(false);
            await Pipeline.DisposeAsync().ConfigureAwait(false);
            if (Sink is not null)
            {
                await Sink.DisposeAsync().ConfigureAwait(false);
            }

            ExactlyOnce?.Dispose();
        }
    }
}

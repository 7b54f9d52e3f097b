using System.Diagnostics;
using Confluent.Kafka;
using LowLatency.Adapters.Kafka;
using LowLatency.Lab.Commands;
using LowLatency.Lab.Reporting;
using LowLatency.Testing.Kafka;

namespace LowLatency.Lab.Kafka;

/// <summary>
/// The demo through Kafka: a paced feed → topic <c>ticks</c> → engine (tumbling windows per instrument) →
/// topic <c>bars</c>, then a check that every tick fed is in exactly one bar. An embedded librdkafka mock
/// cluster by default (its bootstrap address and kcat commands are printed), or a real cluster given its
/// bootstrap servers (topics <c>ticks</c> and <c>bars</c> must exist). Every wait on the cluster is bounded
/// by <see cref="KafkaDemoSpec.BrokerTimeout"/> and ends in one line; Ctrl+C stops feeding at once, stops the
/// worker and reports what it has, marked interrupted.
/// </summary>
internal static class KafkaDemo
{
    /// <summary>Runs the demo; returns the process exit code (<see cref="RunGuard"/>).</summary>
    public static async Task<int> RunAsync(KafkaDemoSpec spec, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (spec.Workers > 0)
        {
            return await KafkaFleetDemo.RunAsync(spec, output, error, cancellationToken).ConfigureAwait(false);
        }

        string suffix = DateTime.UtcNow.ToString("HHmmss", System.Globalization.CultureInfo.InvariantCulture);
        using KafkaMockCluster? cluster = spec.Bootstrap is null ? new KafkaMockCluster(brokers: 3) : null;
        string servers = spec.Bootstrap ?? cluster!.BootstrapServers;
        string ticks = cluster is null ? "ticks" : $"ticks-{suffix}";
        string bars = cluster is null ? "bars" : $"bars-{suffix}";
        var clock = Stopwatch.StartNew();
        if (cluster is not null)
        {
            cluster.CreateTopic(ticks, spec.Partitions);
            cluster.CreateTopic(bars, spec.Partitions);
            output.WriteLine($"embedded Kafka mock cluster: bootstrap {servers} (topics {ticks}, {bars}; formats in adapters/LowLatency.Adapters.Kafka/README.md)");
            output.WriteLine($"  kcat -b {servers} -C -t {bars} -e -f '%s' | python3 -c 'import sys,struct; d=sys.stdin.buffer.read(); [print(*struct.unpack_from(\"<iqqqqq\", d, o)) for o in range(0, len(d), 44)]'");
        }
        else if (CheckCluster(servers, [ticks, bars], spec.BrokerTimeout, cancellationToken) is { } unreachable)
        {
            error.WriteLine($"lowlatency: {unreachable}");
            return cancellationToken.IsCancellationRequested ? RunGuard.Passed : RunGuard.Unreachable;
        }
        else
        {
            output.WriteLine($"Kafka cluster: bootstrap {servers} (topics {ticks}, {bars})");
        }

        output.WriteLine($"  {spec.Duration.TotalSeconds:0.#} s at {(spec.Rate > 0 ? $"{spec.Rate:N0}/s offered" : "max speed")}, {spec.Symbols:N0} symbols, {spec.Partitions} partitions; Ctrl+C to stop");
        await using KafkaBarsWorker worker = KafkaBarsWorker.Start(servers, ticks, bars, group: $"demo-{suffix}", windowSize: spec.Window,
            ringCapacity: 1 << 14, sessionTimeout: spec.SessionTimeout, maxKeys: spec.Symbols, brokerTimeout: spec.BrokerTimeout);

        var feed = new KafkaTickFeed(servers, ticks, spec.Partitions, spec.Symbols, spec.BrokerTimeout);
        string? failure = null;
        using (var progress = new Timer(_ => output.WriteLine($"  fed {feed.Fed:N0}  {worker}"), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)))
        {
            failure = await Task.Run(() => feed.Run(spec.Rate, spec.Duration, () => WorkerFailure(worker), cancellationToken), CancellationToken.None).ConfigureAwait(false);
            if (failure is null && !cancellationToken.IsCancellationRequested)
            {
                failure = await WaitCaughtUpAsync(worker, spec.BrokerTimeout, cancellationToken).ConfigureAwait(false);
            }
        }

        if (feed.DisposeStuck)
        {
            error.WriteLine("lowlatency: warning: librdkafka's destroy of the tick feed's producer did not return in time; it was abandoned.");
        }

        bool interrupted = cancellationToken.IsCancellationRequested;
        failure ??= WorkerFailure(worker);
        if (failure is null)
        {
            await worker.StopAsync().ConfigureAwait(false);
        }

        output.WriteLine($"engine: {worker}");
        output.WriteLine($"fed {feed.Fed:N0} ticks ({feed.Rounds:N0} per symbol) in {clock.Elapsed.TotalSeconds:F1} s; malformed {worker.Source.MalformedOf(KafkaMalformedReason.Undecodable)} undecodable, {worker.Source.MalformedOf(KafkaMalformedReason.NullValue)} null; rejected keys {worker.Windows.RejectedKeys}");
        BarVerifier? check = null;
        string? deleted = null;
        if (failure is null && !interrupted)
        {
            check = BarVerifier.Verify(servers, bars, spec.Partitions, spec.Symbols, feed.Rounds, TimeSpan.FromSeconds(30));
            output.WriteLine($"bars: {check}");
            deleted = check.Lost > 0 && cluster is not null ? DeletedBeforeRead(servers, ticks, spec.Partitions, spec.BrokerTimeout) : null;
        }
        else if (interrupted)
        {
            output.WriteLine("interrupted: bars not verified");
        }

        if (spec.JsonPath is not null)
        {
            ReportFiles.WriteJson(spec.JsonPath, KafkaDemoReport.Of(spec, servers, cluster is not null, clock.Elapsed, interrupted, feed.Fed, check, failure ?? deleted) with
            {
                Consumed = worker.Source.Consumed,
                Bars = worker.Windows.Bars,
                MalformedNullValue = worker.Source.MalformedOf(KafkaMalformedReason.NullValue),
                MalformedUndecodable = worker.Source.MalformedOf(KafkaMalformedReason.Undecodable),
                RejectedKeys = worker.Windows.RejectedKeys,
            });
            output.WriteLine($"  json           {spec.JsonPath}");
        }

        if ((failure ?? deleted) is { } reason)
        {
            error.WriteLine($"lowlatency: {reason}");
        }

        if (spec.Hold && cluster is not null && failure is null)
        {
            output.WriteLine($"holding the embedded cluster at {servers} until Ctrl+C (topics {ticks}, {bars})");
            await HoldAsync(cancellationToken).ConfigureAwait(false);
        }

        return failure is not null ? RunGuard.Unreachable
            : check is null ? (interrupted ? RunGuard.Passed : RunGuard.InvariantFailed)
            : check.Lost == 0 && check.Duplicates == 0 && check.Inconsistent == 0 ? RunGuard.Passed : RunGuard.InvariantFailed;
    }

    /// <summary>
    /// On the embedded cluster, whose topics are the run's own: one line if it deleted ticks before the worker read them
    /// (a partition's log no longer starts at offset 0), else null. librdkafka's mock keeps 5 MiB per partition, so a
    /// worker further behind loses ticks it never saw, and the run must say so instead of only counting them as lost.
    /// </summary>
    internal static string? DeletedBeforeRead(string servers, string topic, int partitions, TimeSpan timeout)
    {
        using IConsumer<Ignore, Ignore> consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = servers, GroupId = $"{topic}-watermarks" })
            .SetLogHandler((_, _) => { })
            .Build();
        var starts = new List<string>();
        for (int partition = 0; partition < partitions; partition++)
        {
            long first = consumer.QueryWatermarkOffsets(new TopicPartition(topic, partition), timeout).Low.Value;
            if (first > 0)
            {
                starts.Add($"partition {partition} now starts at {first:N0}");
            }
        }

        return starts.Count == 0 ? null
            : $"the embedded cluster deleted ticks of '{topic}' before the worker read them ({string.Join(", ", starts)}): the worker fell more than the mock's 5 MiB per partition behind; a lower --rate keeps it within reach";
    }

    /// <summary>One line if the worker's source or pipeline stopped on its own, else null.</summary>
    private static string? WorkerFailure(KafkaBarsWorker worker) => worker.Failure;

    /// <summary>Waits until the worker has taken everything fed and emitted what it can, bounded by the broker timeout.</summary>
    private static async Task<string?> WaitCaughtUpAsync(KafkaBarsWorker worker, TimeSpan brokerTimeout, CancellationToken cancellationToken)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(brokerTimeout);
        try
        {
            await worker.WaitCaughtUpAsync(TimeSpan.FromMilliseconds(300), bound.Token).ConfigureAwait(false);
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"the worker did not catch up within {brokerTimeout.TotalSeconds:0.#} s: {worker}";
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>
    /// Null when a broker answers within <paramref name="timeout"/> and lists every topic; else one line saying
    /// what is missing. Asks in half-second slices so Ctrl+C is honoured at once.
    /// </summary>
    internal static string? CheckCluster(string servers, string[] topics, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using IAdminClient admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = servers }).SetLogHandler((_, _) => { }).Build();
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                Metadata metadata = admin.GetMetadata(TimeSpan.FromMilliseconds(Math.Min(500, timeout.TotalMilliseconds)));
                foreach (string topic in topics)
                {
                    if (metadata.Topics.Find(t => t.Topic == topic) is not { Error.IsError: false, Partitions.Count: > 0 })
                    {
                        return $"Kafka at {servers}: topic '{topic}' does not exist (create it, or run without --bootstrap for the embedded cluster).";
                    }
                }

                return null;
            }
            catch (KafkaException e)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    return $"Kafka at {servers}: interrupted while waiting for a broker to answer.";
                }

                if (clock.Elapsed >= timeout)
                {
                    return $"Kafka at {servers}: no broker answered within {timeout.TotalSeconds:0.#} s ({e.Error.Reason}).";
                }
            }
        }
    }

    internal static async Task HoldAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }
}

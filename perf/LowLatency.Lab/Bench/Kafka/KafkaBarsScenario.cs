using LowLatency.Adapters.Kafka;
using LowLatency.Testing.Kafka;

namespace LowLatency.Lab.Bench.Kafka;

/// <summary>
/// The bars job end to end on the mock cluster (<see cref="KafkaBarsWorker"/>: ticks → 1 000-tick-time windows per
/// instrument → bars), at least once (sink gating the source's commits) or exactly once at a commit interval
/// (outputs, state records and offsets per transaction). Timed from the first record to every tick processed
/// and every output durable: the sink flushed, or the last epoch committed.
/// </summary>
internal sealed class KafkaBarsScenario(TimeSpan? commitInterval) : IBenchScenario
{
    public string Name => commitInterval is { } interval ? $"kafka-bars-exactly-once-{interval.TotalMilliseconds:0}ms" : "kafka-bars-at-least-once";

    public string Group => "kafka-bars";

    public string Description => commitInterval is { } interval
        ? $"bars job, exactly once, a transaction (outputs + state records + offsets) every {interval.TotalMilliseconds:0} ms; compare with kafka-bars-at-least-once"
        : "bars job, at least once (idempotent sink gating the source's commits)";

    public BenchResult Run(BenchContext context)
    {
        (string topic, long events) = KafkaBenchCluster.Topic(context.Events);
        string group = KafkaBenchCluster.NewGroup(Name);
        KafkaBenchCluster.CreateTopic($"{group}-bars");
        KafkaExactlyOnceOptions? exactlyOnce = null;
        if (commitInterval is { } interval)
        {
            KafkaBenchCluster.CreateTopic($"{group}-state");
            exactlyOnce = KafkaExactlyOnceOptions.Default with { StateTopic = $"{group}-state", TransactionalId = group, CommitInterval = interval };
        }

        KafkaBarsWorker worker = KafkaBarsWorker.Start(KafkaBenchCluster.BootstrapServers, topic, $"{group}-bars", group, ringCapacity: 1 << 16,
            maxKeys: KafkaBenchCluster.Keys, exactlyOnce: exactlyOnce);
        try
        {
            WaitFor(() => worker.Source.Consumed > 0, TimeSpan.FromMinutes(1), worker, "no record");

            // The clock starts at the first record, like the source scenarios' (group join and restore excluded); the
            // records published before it started are not counted (see KafkaSourceScenario).
            BenchMeasurement measurement = BenchMeasurement.Start();
            long uncounted = worker.Source.Consumed;
            WaitFor(() => worker.Windows.Ticks == events, TimeSpan.FromMinutes(2), worker, $"not every tick processed ({events})");
            if (worker.ExactlyOnce is { } transactions)
            {
                WaitFor(() => worker.Pipeline.CompletedSequence == worker.Pipeline.RingBuffer.Cursor.ValueAcquire, TimeSpan.FromMinutes(1), worker, "pipeline not idle");
                transactions.CommitNow();
            }
            else
            {
                worker.Sink!.FlushAsync().GetAwaiter().GetResult();
            }

            return measurement.Stop(events - uncounted);
        }
        finally
        {
            worker.StopAsync().GetAwaiter().GetResult();
            worker.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>Waits (1 ms naps) for <paramref name="condition"/>; throws naming <paramref name="what"/> past <paramref name="bound"/> or when the worker fails.</summary>
    internal static void WaitFor(Func<bool> condition, TimeSpan bound, KafkaBarsWorker worker, string what)
    {
        DateTime deadline = DateTime.UtcNow + bound;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline || worker.Failure is not null)
            {
                throw new TimeoutException($"kafka-bars: {what} after {bound.TotalSeconds:0} s: {worker.Failure ?? worker.ToString()}");
            }

            Thread.Sleep(1);
        }
    }
}

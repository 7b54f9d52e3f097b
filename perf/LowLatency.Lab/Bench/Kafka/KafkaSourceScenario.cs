using System.Diagnostics;
using LowLatency.Adapters.Kafka;
using LowLatency.Engine.Pipelines;
using LowLatency.Engine.Processing;
using LowLatency.Testing.Kafka;

namespace LowLatency.Lab.Bench.Kafka;

/// <summary>
/// <see cref="KafkaSource{T}"/> decoding ticks into a 64 Ki ring, one summing stage, commits gated on the
/// pipeline's completed sequence, on the same mock cluster and topic as the baseline; timed from the first
/// record to the last event handled by the stage.
/// </summary>
internal sealed class KafkaSourceScenario : IBenchScenario
{
    public string Name => "kafka-source";

    public string Group => "kafka";

    public string Description => "KafkaSource<Tick> → ring (64 Ki, blocking wait) → sum stage; compare with kafka-consumer-baseline";

    public BenchResult Run(BenchContext context)
    {
        (string topic, long events) = KafkaBenchCluster.Topic(context.Events);
        var probe = new Probe(events);
        Pipeline<Tick> pipeline = Pipeline<Tick>.Create(PipelineOptions.Default with { Name = Name, Capacity = 1 << 16, WaitStrategy = WaitStrategyKind.Blocking });
        pipeline.HandleEventsWith(new SumStage(probe));
        var source = new KafkaSource<Tick>(pipeline, TickCodec.Instance, KafkaSourceOptions.Default with
        {
            Name = Name,
            BootstrapServers = KafkaBenchCluster.BootstrapServers,
            GroupId = KafkaBenchCluster.NewGroup(Name),
            Topics = [topic],
        });
        pipeline.Start();
        source.Start();
        var clock = Stopwatch.StartNew();
        while (source.Consumed == 0)
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(1))
            {
                throw new TimeoutException($"{Name}: no record after a minute.");
            }

            Thread.Sleep(1);
        }

        // The clock starts at the first record, like the baseline's (group join excluded from both). What was published
        // before the clock started (this thread's 1 ms sleeps can last tens of ms on a loaded box, and records come in
        // batches) is not counted: at millions a second it would inflate the rate.
        BenchMeasurement measurement = BenchMeasurement.Start();
        long uncounted = source.Consumed;
        if (!probe.Done.Wait(TimeSpan.FromMinutes(2)))
        {
            throw new TimeoutException($"{Name}: {probe.Count}/{events} events after 2 minutes.");
        }

        BenchResult measured = measurement.Stop(events - uncounted);
        source.StopAsync().GetAwaiter().GetResult();
        pipeline.DrainAsync().GetAwaiter().GetResult();
        return measured;
    }

    private sealed class Probe(long expected)
    {
        public readonly long Expected = expected;
        public readonly ManualResetEventSlim Done = new(false);
        public long Count;
        public long Sum;
    }

    private readonly struct SumStage(Probe probe) : IEventHandler<Tick>
    {
        public void OnEvent(ref Tick data, long sequence, bool endOfBatch)
        {
            probe.Sum += data.Seq;
            if (++probe.Count == probe.Expected)
            {
                probe.Done.Set();
            }
        }
    }
}

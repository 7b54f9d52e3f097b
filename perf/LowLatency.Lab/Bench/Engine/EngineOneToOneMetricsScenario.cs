using LowLatency.Engine;
using LowLatency.Engine.Diagnostics;
using LowLatency.Engine.Pipelines;
using LowLatency.Engine.Processing;

namespace LowLatency.Lab.Bench.Engine;

/// <summary>
/// <see cref="EngineOneToOneScenario"/> (yielding consumer) with <see cref="PipelineMetrics"/> attached and
/// latency stamping on (one sequence in 1024): the cost of observability, measured next to the plain run.
/// </summary>
internal sealed class EngineOneToOneMetricsScenario(bool batchHandler) : IBenchScenario
{
    private const int Capacity = 1 << 16;

    public string Name => batchHandler ? "engine-1p1c-metrics-batch" : "engine-1p1c-metrics";

    public string Group => "engine";

    public string Description =>
        $"engine-1p1c-yielding-{(batchHandler ? "batch" : "event")} with metrics attached and latency stamped on 1 sequence in 1024";

    public BenchResult Run(BenchContext context)
    {
        var pipeline = Pipeline<BenchEvent>.Create(PipelineOptions.Default with
        {
            Name = "bench-metrics",
            Capacity = Capacity,
            WaitStrategy = WaitStrategyKind.Yielding,
        });
        StageGroup<BenchEvent> stage = batchHandler
            ? pipeline.HandleBatchesWith(new SumBatchHandler())
            : pipeline.HandleEventsWith(new SumEventHandler());
        using PipelineMetrics metrics = PipelineMetrics.Attach(pipeline, PipelineMetricsOptions.Default with { LatencySampleInterval = 1024 });
        pipeline.Start();

        RingBuffer<BenchEvent> ring = pipeline.RingBuffer;
        long n = context.Events;
        var measurement = BenchMeasurement.Start();
        BenchProducer.PublishOneAtATime(ring, first: 0, n);

        BenchWait.UntilCompleted(pipeline, n - 1);
        BenchResult result = measurement.Stop(n);
        pipeline.DrainAsync().GetAwaiter().GetResult();

        long sum = batchHandler
            ? ((BatchEventProcessor<BenchEvent, SumBatchHandler>)stage.Stages[0]).Handler.Sum
            : ((EventProcessor<BenchEvent, SumEventHandler>)stage.Stages[0]).Handler.Sum;
        BenchWait.Check(sum, BenchWait.ExpectedSum(n), Name);

        // The sampled sequences are the multiples of 1024 in [0, n − 1]: each must have been recorded once.
        long samples = metrics.CreateSnapshot().Stages[0].Latency.Samples;
        long expected = ((n - 1) / 1024) + 1;
        if (samples != expected)
        {
            throw new InvalidOperationException($"{Name}: {samples} latency samples recorded, expected {expected}.");
        }

        return result;
    }
}

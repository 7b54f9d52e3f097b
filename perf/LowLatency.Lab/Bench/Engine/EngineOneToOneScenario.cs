using LowLatency.Engine;
using LowLatency.Engine.Pipelines;
using LowLatency.Engine.Processing;

namespace LowLatency.Lab.Bench.Engine;

/// <summary>
/// One producer thread claiming and publishing into a 64 Ki ring, one event at a time or
/// <c>publishBatch</c> at a time (claim n, write in place, publish the range); one consumer stage summing
/// them, per event or per batch. Disruptor-net's OneToOneSequencedThroughputTest (and its _BatchPublisher
/// variant, batch of 10), on our engine.
/// </summary>
internal sealed class EngineOneToOneScenario(EngineWait wait, bool batchHandler, int publishBatch = 1) : IBenchScenario
{
    private const int Capacity = 1 << 16;

    public string Name => $"engine-1p1c-{wait.ToSlug()}-{(batchHandler ? "batch" : "event")}{(publishBatch > 1 ? $"-publish{publishBatch}" : string.Empty)}";

    public string Group => "engine";

    public string Description =>
        $"1 producer ({(publishBatch > 1 ? $"claims {publishBatch} at a time" : "claims 1 at a time")}) → 1 {(batchHandler ? "batch" : "per-event")} stage, {wait.ToSlug()} consumer, {Capacity}-slot ring, 8-byte events";

    public BenchResult Run(BenchContext context)
    {
        var pipeline = Pipeline<BenchEvent>.Create(PipelineOptions.Default with
        {
            Name = "bench",
            Capacity = Capacity,
            WaitStrategy = wait.ToKind(),
        });
        StageGroup<BenchEvent> stage = batchHandler
            ? pipeline.HandleBatchesWith(new SumBatchHandler())
            : pipeline.HandleEventsWith(new SumEventHandler());
        pipeline.Start();

        RingBuffer<BenchEvent> ring = pipeline.RingBuffer;
        long n = context.Events / publishBatch * publishBatch;
        var measurement = BenchMeasurement.Start();
        if (publishBatch == 1)
        {
            BenchProducer.PublishOneAtATime(ring, first: 0, n);
        }
        else
        {
            BenchProducer.PublishInBatches(ring, n, publishBatch);
        }

        BenchWait.UntilCompleted(pipeline, n - 1);
        BenchResult result = measurement.Stop(n);
        pipeline.DrainAsync().GetAwaiter().GetResult();

        long sum = batchHandler
            ? ((BatchEventProcessor<BenchEvent, SumBatchHandler>)stage.Stages[0]).Handler.Sum
            : ((EventProcessor<BenchEvent, SumEventHandler>)stage.Stages[0]).Handler.Sum;
        BenchWait.Check(sum, BenchWait.ExpectedSum(n), Name);
        return result;
    }
}

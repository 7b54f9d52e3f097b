using LowLatency.Engine;
using LowLatency.Engine.Pipelines;
using LowLatency.Engine.Processing;

namespace LowLatency.Lab.Bench.Engine;

/// <summary>
/// Several producer threads publishing one event at a time into a multi-producer ring; one batch stage
/// with the yielding strategy summing them. Disruptor-net's ThreeToOneSequencedThroughputTest shape.
/// </summary>
internal sealed class EngineManyToOneScenario(int producers) : IBenchScenario
{
    private const int Capacity = 1 << 16;

    public string Name => $"engine-{producers}p1c";

    public string Group => "engine";

    public string Description => $"{producers} producers → 1 batch stage, yielding consumer, multi-producer {Capacity}-slot ring";

    public BenchResult Run(BenchContext context)
    {
        var pipeline = Pipeline<BenchEvent>.Create(PipelineOptions.Default with
        {
            Name = "bench",
            Capacity = Capacity,
            ProducerType = ProducerType.Multi,
            WaitStrategy = WaitStrategyKind.Yielding,
        });
        StageGroup<BenchEvent> stage = pipeline.HandleBatchesWith(new SumBatchHandler());
        pipeline.Start();

        RingBuffer<BenchEvent> ring = pipeline.RingBuffer;
        long perProducer = context.Events / producers;
        long n = perProducer * producers;
        using var go = new ManualResetEventSlim();
        var threads = new Thread[producers];
        for (int p = 0; p < producers; p++)
        {
            long first = p * perProducer;
            threads[p] = new Thread(() =>
            {
                go.Wait();
                BenchProducer.PublishOneAtATime(ring, first, perProducer);
            });
            threads[p].Start();
        }

        var measurement = BenchMeasurement.Start();
        go.Set();
        foreach (Thread thread in threads)
        {
            thread.Join();
        }

        BenchWait.UntilCompleted(pipeline, n - 1);
        BenchResult result = measurement.Stop(n);
        pipeline.DrainAsync().GetAwaiter().GetResult();
        BenchWait.Check(((BatchEventProcessor<BenchEvent, SumBatchHandler>)stage.Stages[0]).Handler.Sum, BenchWait.ExpectedSum(n), Name);
        return result;
    }
}

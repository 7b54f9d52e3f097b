using LowLatency.Engine;
using LowLatency.Engine.Pipelines;

namespace LowLatency.Lab.Bench.WebSockets;

/// <summary>
/// The pipeline's own throughput while its stage publishes window results to a hub with no clients, or with
/// clients of which some never read: a stalled client must cost the pipeline nothing (its queue conflates) and
/// memory must stay under the hub's per-connection bound. Compare rows of one run (<c>summarize.py --ratio</c>).
/// </summary>
internal sealed class StalledClientsScenario(int clients, int stalled) : IBenchScenario
{
    public string Name => clients == 0 ? "websocket-pipeline-no-clients" : $"websocket-pipeline-{clients}-clients-{stalled}-stalled";

    public string Group => "websocket";

    public string Description => clients == 0
        ? "engine 1P1C (Blocking) whose stage publishes every 64th event to a hub with no clients"
        : $"the same with {clients} loopback clients subscribed to every key, {stalled} of them never reading";

    public BenchResult Run(BenchContext context)
    {
        var fixture = (LiveFanOut)FanOutFixtures.Get(Name, async () => await LiveFanOut.StartAsync(clients, stalled, binary: false));
        using var publisher = fixture.Hub.CreatePublisher("pipeline");
        var pipeline = Pipeline<long>.Create(PipelineOptions.Default with { Name = "bench-ws", Capacity = 1 << 14, WaitStrategy = WaitStrategyKind.Blocking });
        pipeline.HandleEventsWith(new PublishingStage(publisher, fixture.Bars));
        pipeline.Start();
        RingBuffer<long> ring = pipeline.RingBuffer;

        BenchMeasurement measurement = BenchMeasurement.Start();
        for (long i = 0; i < context.Events; i += 10)
        {
            long high = ring.Next(10);
            for (long s = high - 9; s <= high; s++)
            {
                ring[s] = s;
            }

            ring.Publish(high - 9, high);
        }

        pipeline.DrainAsync().GetAwaiter().GetResult();
        long events = (context.Events + 9) / 10 * 10;
        GC.Collect();
        long heap = GC.GetTotalMemory(forceFullCollection: true);
        long queued = 0, conflated = 0;
        foreach (var client in fixture.Hub.GetClients())
        {
            queued += client.Pending;
            conflated += client.Conflated;
        }

        BenchResult result = measurement.Stop(events, new Dictionary<string, double>
        {
            ["heapMiB"] = heap / (1024.0 * 1024),
            ["hubBufferCapMiB"] = fixture.Hub.BufferBytesPerConnection * (double)clients / (1024 * 1024),
            ["queued"] = queued,
            ["conflated"] = conflated,
        });
        pipeline.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return result;
    }
}

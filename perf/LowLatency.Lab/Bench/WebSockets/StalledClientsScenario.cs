using LowLatency.Engine;
using LowLatency.Engine.Pipelines;
using LowLatency.Lab.Measurement;

namespace LowLatency.Lab.Bench.WebSockets;

/// <summary>
/// The pipeline's own throughput while its stage publishes window results to a hub with no clients, or with
/// clients of which some never read: a stalled client must cost the pipeline nothing (the hub's table conflates for
/// it) and the hub's buffers must stay under its cap (<see cref="LiveFanOut.MemoryCapBytes"/>). The clients run in a
/// child process at the lowest priority (<see cref="ChildClients"/>), so what is measured is the server's cost;
/// the ratio to <c>websocket-pipeline-no-clients</c> is in the report (<c>× reference</c>).
/// </summary>
internal sealed class StalledClientsScenario(int clients, int stalled) : IBenchScenario
{
    public string Name => clients == 0 ? "websocket-pipeline-no-clients" : $"websocket-pipeline-{clients}-clients-{stalled}-stalled";

    public string Group => "websocket";

    public string Description => clients == 0
        ? "engine 1P1C (Blocking) whose stage publishes every 64th event to a hub with no clients"
        : $"the same with {clients} loopback clients (child process, nice 19) subscribed to every key, {stalled} of them never reading";

    public BenchResult Run(BenchContext context)
    {
        var fixture = (LiveFanOut)FanOutFixtures.Get(Name, async () => await LiveFanOut.StartAsync(clients, stalled, binary: false, clientsInChild: clients > 0));
        using var publisher = fixture.Hub.CreatePublisher("pipeline");
        var pipeline = Pipeline<long>.Create(PipelineOptions.Default with { Name = "bench-ws", Capacity = 1 << 14, WaitStrategy = WaitStrategyKind.Blocking, StopTimeout = TimeSpan.FromSeconds(10) });
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
        BenchResult measured = measurement.Stop(events);

        // Memory after the measured section: the server's process alone (the clients are in the child).
        long rss = new ProcessSampler().ResidentBytes();
        GC.Collect();
        long heap = GC.GetTotalMemory(forceFullCollection: true);
        long pending = 0, conflated = 0, skipped = 0;
        foreach (var client in fixture.Hub.GetClients())
        {
            pending += client.Pending;
            conflated += client.Conflated;
            skipped += client.Skipped;
        }

        BenchResult result = measured with
        {
            Figures = new Dictionary<string, double>
            {
                ["heapMiB"] = heap / (1024.0 * 1024),
                ["rssMiB"] = rss / (1024.0 * 1024),
                ["hubBufferMiB"] = fixture.Hub.BufferBytes / (1024.0 * 1024),
                ["hubBufferCapMiB"] = LiveFanOut.MemoryCapBytes / (1024.0 * 1024),
                ["queued"] = pending,
                ["conflated"] = conflated,
                ["skipped"] = skipped,
            },
        };
        pipeline.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return result;
    }
}

using System.Diagnostics;
using LowLatency.Adapters.WebSockets;
using LowLatency.Engine;
using LowLatency.Engine.Pipelines;
using LowLatency.Lab.Measurement;

namespace LowLatency.Lab.Bench.WebSockets;

/// <summary>
/// The pipeline's own throughput while its stage publishes window results to a hub with no clients, or with
/// clients of which some never read: a stalled client must cost the pipeline nothing (the hub's table conflates for
/// it) and the hub's buffers must stay under its cap (<see cref="LiveFanOut.MemoryCapBytes"/>). The clients run in a
/// child process at the lowest priority (<see cref="ChildClients"/>), so what is measured is the server's cost;
/// the ratio to <c>websocket-pipeline-no-clients</c> is in the report (<c>× reference</c>). Prioritized rows run the
/// pipeline's two threads at nice <see cref="PrioritizedNice"/> (<see cref="ThreadNice"/>), as a latency-critical host
/// would, both with and without clients: the delivery then gets the CPU the pipeline leaves, and conflation decides
/// what the readers see of it (<c>sentPerSecond</c>). Beside it, where the CPU
/// went: the pipeline's stage and producer threads' CPU and the time they were runnable but waiting for a core
/// (<see cref="ThreadSchedule"/>; shares of the measured wall time), the server's and the clients' processes in
/// cores, updates sent per second and the share of them the hub formatted (the rest copied a shared encoding).
/// Burner rows run the no-client pipeline beside <see cref="CpuBurner"/> threads taking a fixed number of cores in the
/// pacing clock's rhythm: what that much CPU costs the pipeline on this box, whoever spends it.
/// </summary>
internal sealed class StalledClientsScenario(int clients, int stalled, bool beside = false, bool prioritized = false, double burnerCores = 0) : IBenchScenario
{
    /// <summary>The pipeline threads' nice value in prioritized rows: CFS weight 9,548 against a default thread's 1,024.</summary>
    public const int PrioritizedNice = -10;

    // The pipeline's stage thread: "{pipeline name}/{stage}" (Linux keeps 15 characters of a thread's name).
    private const string StageThread = "bench-ws/";

    // Beside: the clients' hub gets 1,000 keys every 10 ms from its own thread (100 k updates/s), enough to fill every
    // reader's frames (1,000 keys change within each 50 ms frame interval), as the stage's every-64th event does.
    private static readonly TimeSpan BesideRound = TimeSpan.FromMilliseconds(10);

    public string Name => (clients, beside, prioritized) switch
    {
        _ when burnerCores > 0 => FormattableString.Invariant($"websocket-pipeline-beside-burner-{burnerCores:0.0}-cores"),
        (0, _, false) => "websocket-pipeline-no-clients",
        (0, _, true) => "websocket-pipeline-prioritized-no-clients",
        (_, false, false) => $"websocket-pipeline-{clients}-clients-{stalled}-stalled",
        (_, false, true) => $"websocket-pipeline-prioritized-{clients}-clients-{stalled}-stalled",
        _ => $"websocket-pipeline-beside-{clients}-clients-{stalled}-stalled",
    };

    public string Group => "websocket";

    public string Description => (clients, beside, prioritized) switch
    {
        _ when burnerCores > 0 => FormattableString.Invariant($"the no-client pipeline beside two threads spinning {burnerCores / 2 * LiveFanOut.FrameInterval.TotalMilliseconds:0.#} ms of every {LiveFanOut.FrameInterval.TotalMilliseconds:0} ms each ({burnerCores:0.0} cores of plain CPU work in the pacing clock's rhythm): what that much CPU costs the pipeline, whoever spends it"),
        (0, _, false) => "engine 1P1C (Blocking) whose stage publishes every 64th event to a hub with no clients",
        (0, _, true) => $"the same with the pipeline's producer and stage threads at nice {PrioritizedNice}",
        (_, false, false) => $"the same with {clients} loopback clients (child process, nice 19) subscribed to every key, {stalled} of them never reading",
        (_, false, true) => $"the same clients, the pipeline's producer and stage threads at nice {PrioritizedNice}: the delivery gets what the pipeline leaves",
        _ => $"the no-client pipeline beside another hub in this process that sends to the {clients} clients ({stalled} stalled), fed by its own thread: the delivery's CPU without any coupling to the pipeline",
    };

    public BenchResult Run(BenchContext context)
    {
        // Beside and prioritized rows share the connected clients with the plain row of the same counts (one fixture alive at a time).
        string fixtureName = new StalledClientsScenario(clients, stalled).Name;
        var fixture = (LiveFanOut)FanOutFixtures.Get(fixtureName, async () => await LiveFanOut.StartAsync(clients, stalled, binary: false, clientsInChild: clients > 0));
        WebSocketHub? ownHub = beside ? LiveFanOut.StartHub("bench-beside", clients: 0) : null;
        using var publisher = (ownHub ?? fixture.Hub).CreatePublisher("pipeline");
        var pipeline = Pipeline<long>.Create(PipelineOptions.Default with { Name = "bench-ws", Capacity = 1 << 14, WaitStrategy = WaitStrategyKind.Blocking, StopTimeout = TimeSpan.FromSeconds(10) });
        pipeline.HandleEventsWith(new PublishingStage(publisher, ownHub?.Topics[0] ?? fixture.Bars));
        using var feeding = new CancellationTokenSource();
        Task feeder = beside ? Task.Factory.StartNew(() => Feed(fixture, feeding.Token), TaskCreationOptions.LongRunning) : Task.CompletedTask;
        using CpuBurner? burner = burnerCores > 0 ? new CpuBurner(burnerCores, LiveFanOut.FrameInterval) : null;
        pipeline.Start();
        RingBuffer<long> ring = pipeline.RingBuffer;

        // Where the CPU went during the measured section: the pipeline's two threads (ran; runnable but waiting for
        // a core), the whole server process, and the clients' child process.
        using var process = Process.GetCurrentProcess();
        ThreadSchedule? producerStart = ThreadSchedule.OfCurrentThread();
        string? stageThread = ThreadSchedule.AwaitThread(StageThread, TimeSpan.FromSeconds(1));

        ThreadSchedule? stageStart = stageThread is null ? null : ThreadSchedule.Read(stageThread);
        TimeSpan serverStart = process.TotalProcessorTime;
        TimeSpan clientsStart = fixture.ClientProcessorTime;
        long encodedStart = fixture.Hub.Encoded, sentStart = fixture.Hub.Sent;

        int? producerId = prioritized ? ThreadNice.CurrentThreadId : null;
        BenchMeasurement measurement = BenchMeasurement.Start();
        ThreadSchedule? stage;
        try
        {
            if (prioritized && !(stageThread is not null && producerId is { } id
                && ThreadNice.TrySet(id, PrioritizedNice) && ThreadNice.TrySet(ThreadNice.ThreadIdOf(stageThread), PrioritizedNice)))
            {
                throw new InvalidOperationException($"{Name}: could not set the pipeline threads to nice {PrioritizedNice} (Linux and CAP_SYS_NICE, e.g. root, are needed).");
            }

            for (long i = 0; i < context.Events; i += 10)
            {
                long high = ring.Next(10);
                for (long s = high - 9; s <= high; s++)
                {
                    ring[s] = s;
                }

                ring.Publish(high - 9, high);
            }

            // Read before the drain ends the stage's thread: what it misses is at most the ring's 16 K events.
            stage = stageThread is null ? null : ThreadSchedule.Read(stageThread) - stageStart;
            pipeline.DrainAsync().GetAwaiter().GetResult();
        }
        finally
        {
            // The producer is the bench's own thread: back to the default weight for the rows after this one (also when
            // only it could be raised).
            if (producerId is { } raised)
            {
                ThreadNice.TrySet(raised, 0);
            }
        }

        long events = (context.Events + 9) / 10 * 10;
        BenchResult measured = measurement.Stop(events);
        ThreadSchedule? producer = ThreadSchedule.OfCurrentThread() - producerStart;
        process.Refresh();
        double wall = measured.Elapsed.TotalSeconds;
        double serverCores = (process.TotalProcessorTime - serverStart).TotalSeconds / wall;
        double clientCores = (fixture.ClientProcessorTime - clientsStart).TotalSeconds / wall;
        long sent = fixture.Hub.Sent - sentStart, encoded = fixture.Hub.Encoded - encodedStart;

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

        var figures = new Dictionary<string, double>
        {
            ["heapMiB"] = heap / (1024.0 * 1024),
            ["rssMiB"] = rss / (1024.0 * 1024),
            ["hubBufferMiB"] = fixture.Hub.BufferBytes / (1024.0 * 1024),
            ["hubBufferCapMiB"] = LiveFanOut.MemoryCapBytes / (1024.0 * 1024),
            ["queued"] = pending,
            ["conflated"] = conflated,
            ["skipped"] = skipped,
            ["sentPerSecond"] = sent / wall,
            ["encodedPerSent"] = sent == 0 ? 0 : (double)encoded / sent,
            ["serverCores"] = serverCores,
            ["clientCores"] = clientCores,
            ["stuckAtStart"] = fixture.StuckAtStart,
        };
        if (stage is { } st && producer is { } pr)
        {
            figures["stageCpu"] = st.RunNs / 1e9 / wall;
            figures["stageRunnableWait"] = st.RunnableWaitNs / 1e9 / wall;
            figures["producerCpu"] = pr.RunNs / 1e9 / wall;
            figures["producerRunnableWait"] = pr.RunnableWaitNs / 1e9 / wall;

            // What sending costs the server per update, besides the pipeline's own two threads (the fan-out thread,
            // the send loops, Kestrel, the GC): comparable across builds whatever the pipeline's rate.
            double pipelineCores = figures["stageCpu"] + figures["producerCpu"];
            double delivery = serverCores - pipelineCores;
            figures["serverNsPerSent"] = sent == 0 ? 0 : delivery * wall * 1e9 / sent;

            // The pipeline's events per second of its own CPU, which separates the CPU it lost from what it did with
            // the CPU it kept (a 1P1C handoff whose threads are preempted does less per CPU-second).
            figures["pipelineMEventsPerCpuSecond"] = pipelineCores == 0 ? 0 : events / (pipelineCores * wall) / 1e6;
        }

        BenchResult result = measured with { Figures = figures };
        pipeline.DisposeAsync().AsTask().GetAwaiter().GetResult();
        feeding.Cancel();
        feeder.GetAwaiter().GetResult();
        ownHub?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return result;
    }

    private static void Feed(LiveFanOut fixture, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            fixture.PublishRoundAsync(1000).AsTask().GetAwaiter().GetResult();
            Thread.Sleep(BesideRound);
        }
    }
}

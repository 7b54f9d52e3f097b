using LowLatency.Lab.Bench.Engine;
using LowLatency.Lab.Bench.Kafka;
using LowLatency.Lab.Bench.Tcp;
using LowLatency.Lab.Bench.WebSockets;
using LowLatency.Lab.Bench.Window;

namespace LowLatency.Lab.Bench;

/// <summary>Every scenario <c>lowlatency bench</c> knows, in the order they run and print.</summary>
internal static class BenchCatalog
{
    public static IReadOnlyList<IBenchScenario> All { get; } =
    [
        new EngineOneToOneScenario(EngineWait.Yielding, batchHandler: false),
        new EngineOneToOneScenario(EngineWait.Yielding, batchHandler: true),
        new EngineOneToOneMetricsScenario(batchHandler: false),
        new EngineOneToOneMetricsScenario(batchHandler: true),
        new EngineOneToOneScenario(EngineWait.BusySpin, batchHandler: false),
        new EngineOneToOneScenario(EngineWait.BusySpin, batchHandler: true),
        new EngineOneToOneScenario(EngineWait.Backoff, batchHandler: false),
        new EngineOneToOneScenario(EngineWait.Backoff, batchHandler: true),
        new EngineOneToOneScenario(EngineWait.Yielding, batchHandler: true, publishBatch: 10),
        new EngineOneToOneScenario(EngineWait.BusySpin, batchHandler: true, publishBatch: 10),
        new EngineOneToOneScenario(EngineWait.Backoff, batchHandler: true, publishBatch: 10),
        new HandRolledRingScenario(publishBatch: 1),
        new HandRolledRingScenario(publishBatch: 10),
        new EngineManyToOneScenario(producers: 2),
        new ChannelAsyncScenario(),
        new ChannelSpinScenario(),
        new BlockingCollectionScenario(),
        new WindowTumblingVwapScenario(),
        new WindowHoppingScenario(),
        new WindowSessionScenario(),
        new WindowRxBaselineScenario(),
        new WindowDictionaryBaselineScenario(),
        new TcpIngestScenario(lz4: false),
        new TcpIngestScenario(lz4: false, verifyChecksums: false),
        new TcpIngestScenario(lz4: true),
        new TcpIngestScenario(lz4: true, verifyChecksums: false),
        new TcpNetworkStreamBaselineScenario(),
        new TcpHandOffControlScenario(),
        new KafkaConsumerBaselineScenario(),
        new KafkaSourceScenario(),

        // Last: they keep a thousand connections open while they run (FanOutFixtures).
        new FanOutScenario(
            "websocket-fanout-1000",
            "WebSocketHub, JSON frames: 100 keys/ms to 1,000 loopback clients (per-client conflation)",
            async () => await LiveFanOut.StartAsync(FanOutScenario.Clients, stalled: 0, binary: false)),
        new FanOutScenario(
            "websocket-fanout-1000-binary",
            "WebSocketHub, binary frames: the same fan-out",
            async () => await LiveFanOut.StartAsync(FanOutScenario.Clients, stalled: 0, binary: true)),
        new FanOutScenario(
            "signalr-fanout-1000",
            "anchor: ASP.NET Core SignalR hub, Clients.All.SendAsync per update, JSON protocol, 1,000 HubConnections",
            async () => await SignalRFanOut.StartAsync(FanOutScenario.Clients)),
        new StalledClientsScenario(clients: 0, stalled: 0),
        new StalledClientsScenario(clients: 100, stalled: 100),
        new StalledClientsScenario(clients: 1000, stalled: 100),
    ];

    /// <summary>The baseline every ratio in the table is relative to.</summary>
    public const string Baseline = "channel-async";
}

using LowLatency.Lab.Bench.Demo;
using LowLatency.Lab.Bench.Engine;
using LowLatency.Lab.Bench.Journal;
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
        new KafkaBatchConsumeScenario(),
        new KafkaStreamizBarsScenario(),
        new KafkaBarsScenario(commitInterval: null),
        new KafkaBarsScenario(TimeSpan.FromMilliseconds(10)),
        new KafkaBarsScenario(TimeSpan.FromMilliseconds(100)),
        new KafkaBarsScenario(TimeSpan.FromMilliseconds(1000)),
        new KafkaBarsLatencyScenario(commitInterval: null),
        new KafkaBarsLatencyScenario(TimeSpan.FromMilliseconds(10)),
        new KafkaBarsLatencyScenario(TimeSpan.FromMilliseconds(100)),
        new KafkaBarsLatencyScenario(TimeSpan.FromMilliseconds(1000)),
        new JournalAppendScenario(pretouch: true),
        new JournalAppendScenario(pretouch: false),
        new JournalAppendScenario(pretouch: true, recycle: true),
        new JournalMappedCopyBaselineScenario(),
        new JournalMappedCopyBaselineScenario(recycled: true),
        new JournalFileStreamBaselineScenario(),
        new JournalFileStreamBaselineScenario(flushPerBatch: true),
        new JournalReplayTumblingScenario(JournalReplayTumblingScenario.Mode.Count),
        new JournalReplayTumblingScenario(JournalReplayTumblingScenario.Mode.Window),
        new JournalReplayTumblingScenario(JournalReplayTumblingScenario.Mode.WindowDirect),
        new JournalCompressionScenario(JournalCompressionScenario.Mode.Compress),
        new JournalCompressionScenario(JournalCompressionScenario.Mode.ReplayRaw),
        new JournalCompressionScenario(JournalCompressionScenario.Mode.ReplayLz4),
        new DemoJournalScenario(rate: 0, journal: false),
        new DemoJournalScenario(rate: 0, journal: true),
        new DemoJournalScenario(rate: 0, journal: true, pretouch: false),
        new DemoJournalScenario(rate: 0, journal: true, recycle: true),
        new DemoJournalScenario(rate: 1_000_000, journal: false),
        new DemoJournalScenario(rate: 1_000_000, journal: true),
        new DemoJournalScenario(rate: 1_000_000, journal: true, pretouch: false),

        // Pages the page cache already holds: what the journal costs at 1 M ticks/s where it takes no new memory (README, journal, stop 21).
        new DemoJournalScenario(rate: 1_000_000, journal: true, recycle: true, segmentBytes: 8L << 20),

        // Last: they keep a thousand connections open while they run (FanOutFixtures).
        new FanOutScenario(
            "websocket-fanout-1000",
            "hub-json",
            "WebSocketHub JSON: 100 keys/ms (saturating) to 1,000 loopback clients, conflating, ≤ 20 frames/s per client",
            1,
            async () => await LiveFanOut.StartAsync(FanOutScenario.Clients, stalled: 0, binary: false)),
        new FanOutScenario(
            "websocket-fanout-1000-paced",
            "hub-json",
            "WebSocketHub JSON: 100 keys/100 ms (1 M deliveries/s offered) to the same clients",
            100,
            async () => await LiveFanOut.StartAsync(FanOutScenario.Clients, stalled: 0, binary: false)),
        new FanOutScenario(
            "websocket-fanout-1000-binary",
            "hub-binary",
            "WebSocketHub binary: 100 keys/ms (saturating) to 1,000 loopback clients",
            1,
            async () => await LiveFanOut.StartAsync(FanOutScenario.Clients, stalled: 0, binary: true)),
        new FanOutScenario(
            "signalr-fanout-1000",
            "signalr",
            "SignalR anchor: Clients.All.SendAsync per update, JSON protocol, 100 keys/ms (saturating) to 1,000 HubConnections",
            1,
            async () => await SignalRFanOut.StartAsync(FanOutScenario.Clients)),
        new FanOutScenario(
            "signalr-fanout-1000-paced",
            "signalr",
            "SignalR anchor: Clients.All.SendAsync per update, JSON protocol, 100 keys/100 ms to the same clients",
            100,
            async () => await SignalRFanOut.StartAsync(FanOutScenario.Clients)),
        new StalledClientsScenario(clients: 0, stalled: 0),
        new StalledClientsScenario(clients: 100, stalled: 100),
        new StalledClientsScenario(clients: 900, stalled: 0),
        new StalledClientsScenario(clients: 1000, stalled: 100),
        new StalledClientsScenario(clients: 1000, stalled: 100, beside: true),
        new StalledClientsScenario(clients: 0, stalled: 0, prioritized: true),
        new StalledClientsScenario(clients: 1000, stalled: 100, prioritized: true),
        new StalledClientsScenario(clients: 0, stalled: 0, burnerCores: 1.0),
        new StalledClientsScenario(clients: 0, stalled: 0, burnerCores: 0.5),
        new StalledClientsScenario(clients: 0, stalled: 0, burnerCores: 0.2),
    ];

    /// <summary>The baseline every ratio in the table is relative to.</summary>
    public const string Baseline = "channel-async";

    /// <summary>
    /// What <paramref name="name"/> is judged against: a metrics scenario against its metrics-off twin, a
    /// checksummed TCP ingest against its <c>-nocrc</c> twin (the checksum's cost, round by round), an engine 1P1C
    /// scenario against the hand-rolled ring with the same claim size, hopping windows against tumbling ones on the
    /// same trades, sessions against the Rx baseline, the Kafka bars job at least once against the Streamiz anchor
    /// and exactly once against at least once (latency rows likewise), any other window, TCP, Kafka or journal
    /// scenario against its group's plain baseline (a replay through the tumbling window against that window
    /// operator alone: the bound it cannot pass; a replay from compressed segments against the same from raw ones), a demo with its journal against the same demo without, a
    /// WebSocket pipeline scenario against the run with no clients (a prioritized one against the prioritized run), a WebSocket fan-out against the SignalR anchor,
    /// anything else against <see cref="Baseline"/>. Null for a reference itself.
    /// </summary>
    public static string? ReferenceOf(string name)
    {
        string reference = name switch
        {
            "engine-1p1c-metrics" => "engine-1p1c-yielding-event",
            "engine-1p1c-metrics-batch" => "engine-1p1c-yielding-batch",
            _ when name.StartsWith("engine-1p1c", StringComparison.Ordinal) && name.EndsWith("-publish10", StringComparison.Ordinal) => "handrolled-1p1c-publish10",
            _ when name.StartsWith("engine-1p1c", StringComparison.Ordinal) => "handrolled-1p1c",
            "window-hopping-10" => "window-tumbling-vwap-10k",
            "window-session" => "window-rx-baseline",
            _ when name.StartsWith("window-", StringComparison.Ordinal) => "window-dictionary-baseline",
            "tcp-ingest" or "tcp-ingest-lz4" => name + "-nocrc",
            _ when name.StartsWith("tcp-", StringComparison.Ordinal) => "tcp-networkstream-baseline",
            "kafka-bars-at-least-once" => "kafka-streamiz-bars",
            _ when name.StartsWith("kafka-bars-exactly-once-", StringComparison.Ordinal) => "kafka-bars-at-least-once",
            _ when name.StartsWith("kafka-latency-", StringComparison.Ordinal) => "kafka-latency-at-least-once",
            _ when name.StartsWith("kafka-", StringComparison.Ordinal) => "kafka-consumer-baseline",
            "journal-replay-tumbling-1s" => "window-tumbling-vwap-10k",
            "journal-replay-demo-lz4" => "journal-replay-demo-raw",
            _ when name.StartsWith("journal-", StringComparison.Ordinal) => "journal-mapped-memcpy-baseline",
            _ when name.StartsWith("demo-", StringComparison.Ordinal) && name.Contains("-journal", StringComparison.Ordinal) => name[..name.IndexOf("-journal", StringComparison.Ordinal)],
            _ when name.StartsWith("websocket-pipeline-prioritized-", StringComparison.Ordinal) => "websocket-pipeline-prioritized-no-clients",
            _ when name.StartsWith("websocket-pipeline-", StringComparison.Ordinal) => "websocket-pipeline-no-clients",
            _ when name.StartsWith("websocket-fanout-", StringComparison.Ordinal) && name.EndsWith("-paced", StringComparison.Ordinal) => "signalr-fanout-1000-paced",
            _ when name.StartsWith("websocket-fanout-", StringComparison.Ordinal) => "signalr-fanout-1000",
            _ => Baseline,
        };
        return reference == name ? null : reference;
    }
}

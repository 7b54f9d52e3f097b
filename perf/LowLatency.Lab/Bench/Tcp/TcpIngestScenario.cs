using LowLatency.Adapters.Sockets;
using LowLatency.Engine.Pipelines;
using LowLatency.Engine.Processing;
using LowLatency.Lab.Bench.Engine;
using LowLatency.Lab.Tcp;

namespace LowLatency.Lab.Bench.Tcp;

/// <summary>
/// Loopback ingest through <see cref="TcpSource{T, TCodec}"/>: the shared feed's 32-byte ticks in batch frames
/// of 1024 (optionally LZ4), decoded straight into claimed slots of a 64 Ki ring, summed by one batch stage.
/// Measured from the first connect until the stage has finished the last event. The <c>-nocrc</c> twins skip
/// the batch checksum check (an internal switch no host can set): the same-run reference for its cost.
/// </summary>
internal sealed class TcpIngestScenario(bool lz4, bool verifyChecksums = true) : IBenchScenario
{
    private ulong _sessions;

    public string Name => (lz4 ? "tcp-ingest-lz4" : "tcp-ingest") + (verifyChecksums ? string.Empty : "-nocrc");

    public string Group => "tcp";

    public string Description =>
        $"loopback TcpSource, 32-byte ticks in batches of {TcpBenchFeed.EventsPerFrame}{(lz4 ? " (LZ4)" : string.Empty)}{(verifyChecksums ? ", CRC-32C checked" : ", checksum NOT checked (reference)")} → 64 Ki ring → 1 batch stage (yielding)";

    public BenchResult Run(BenchContext context)
    {
        TcpBenchFeed feed = TcpBenchFeed.Get(lz4);
        int segments = TcpBenchFeed.SegmentsFor(context.Events);
        long n = (long)segments * TcpBenchFeed.EventsPerSegment;
        var pipeline = Pipeline<MarketTick>.Create(PipelineOptions.Default with { Name = "tcp-bench", Capacity = 1 << 16, WaitStrategy = WaitStrategyKind.Yielding });
        StageGroup<MarketTick> stage = pipeline.HandleBatchesWith(new QuantitySumHandler());
        pipeline.Start();
        var source = new TcpSource<MarketTick, MarketTickCodec>(pipeline, default, TcpSourceOptions.Default with { SchemaId = MarketTickCodec.SchemaId, MaxSessions = 1 << 16, VerifyChecksums = verifyChecksums });
        source.Start();

        ulong firstSession = _sessions + 1;
        _sessions += (ulong)segments;
        var measurement = BenchMeasurement.Start();
        feed.Send(source.LocalEndPoint!, segments, firstSession);
        BenchWait.UntilCompleted(pipeline, n - 1);
        BenchResult result = measurement.Stop(n);

        source.DisposeAsync().AsTask().GetAwaiter().GetResult();
        pipeline.DrainAsync().GetAwaiter().GetResult();
        long sum = ((BatchEventProcessor<MarketTick, QuantitySumHandler>)stage.Stages[0]).Handler.Sum;
        BenchWait.Check(sum, feed.QuantityFor(segments), Name);
        return result;
    }
}

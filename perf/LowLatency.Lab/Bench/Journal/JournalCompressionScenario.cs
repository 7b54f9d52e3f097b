using System.Diagnostics;
using System.Runtime.CompilerServices;
using LowLatency.Engine.Journal;
using LowLatency.Engine.Pipelines;
using LowLatency.Lab.Feed;
using LowLatency.Lab.Journal;

namespace LowLatency.Lab.Bench.Journal;

/// <summary>
/// Compressed segments on the demo's own recorded ticks: before the timer, the demo's feed (default settings, max speed)
/// is recorded through the demo's journaling stage into 16 MiB segments. Then <c>journal-compress-lz4</c> times the writer's
/// compression thread on every sealed segment (check, LZ4, write, fsync, rename: the thread's own time), with the ratio and
/// the raw MB/s as figures; <c>journal-replay-demo-raw</c> and <c>-lz4</c> replay the same journal at max speed → ring → a
/// stage counting the ticks, from raw segments and from the compressed ones (decompression included), side by side.
/// </summary>
internal sealed class JournalCompressionScenario(JournalCompressionScenario.Mode mode) : IBenchScenario
{
    public const long SegmentBytes = 16L << 20;
    private const long MinTicks = 1L << 20; // at least two sealed segments to compress
    private const long MaxTicks = 4L << 20;
    private const int Capacity = 1 << 16;
    private static readonly TimeSpan CompressionBound = TimeSpan.FromMinutes(5);

    public enum Mode
    {
        Compress,
        ReplayRaw,
        ReplayLz4,
    }

    public string Name => mode switch
    {
        Mode.Compress => "journal-compress-lz4",
        Mode.ReplayRaw => "journal-replay-demo-raw",
        _ => "journal-replay-demo-lz4",
    };

    public string Group => "journal";

    public string Description => mode switch
    {
        Mode.Compress => "the writer's compression thread on the demo's recorded ticks (16 MiB segments): LZ4 + fsync + rename, thread time; figures: ratio, raw MB/s",
        Mode.ReplayRaw => "JournalReplay (max speed) of the demo's recorded ticks from raw segments → ring → a stage counting them",
        _ => "the same replay from the LZ4-compressed segments (each decompressed whole when the reader reaches it)",
    };

    public BenchResult Run(BenchContext context)
    {
        long ticks = Math.Clamp(context.Events, MinTicks, MaxTicks);
        string folder = JournalBenchFiles.CreateFolder();
        try
        {
            RecordDemoTicks(folder, ticks);
            if (mode == Mode.Compress)
            {
                return Compress(folder);
            }

            if (mode == Mode.ReplayLz4)
            {
                Compress(folder);
            }

            return Replay(folder, ticks);
        }
        finally
        {
            JournalBenchFiles.Delete(folder);
        }
    }

    /// <summary>What <c>demo --journal</c> records: the feed's ticks through the demo's journaling stage.</summary>
    private static void RecordDemoTicks(string folder, long ticks)
    {
        using DemoJournal journal = DemoJournal.Create(folder, pretouch: false, compressor: null, segmentBytes: SegmentBytes);
        Pipeline<DemoTick> pipeline = Pipeline<DemoTick>.Create(PipelineOptions.Default with { Capacity = Capacity, WaitStrategy = WaitStrategyKind.Blocking });
        journal.AddStage(pipeline);
        pipeline.Start();
        new FeedPublisher(FeedSettings.Default with { Rate = 0 }).Run(pipeline.RingBuffer, ticks, Stopwatch.GetTimestamp());
        pipeline.DrainAsync().GetAwaiter().GetResult();
        pipeline.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    private BenchResult Compress(string folder)
    {
        long allocated = GC.GetTotalAllocatedBytes(precise: true);
        JournalCompressionStats stats;
        using (var writer = JournalWriter<DemoTick, DemoTickInputCodec>.Open(folder, default, JournalOptions.Default with
        {
            SegmentBytes = SegmentBytes,
            Compressor = Lz4SegmentCompressor.Instance,
        }))
        {
            if (!writer.WaitForCompression(CompressionBound))
            {
                throw new TimeoutException($"{Name}: the compression thread did not finish within {CompressionBound.TotalMinutes} min.");
            }

            stats = writer.Compression;
        }

        if (stats.Failures > 0 || stats.Segments == 0)
        {
            throw new InvalidOperationException($"{Name}: {stats.Segments} segments compressed, {stats.Failures} failed ({stats.LastError?.Message}).");
        }

        using JournalReader reader = JournalReader.Open<DemoTick, DemoTickInputCodec>(folder, default);
        long compressedTicks = reader.Segments[^1].FirstPosition; // every segment before the last (being written) is sealed
        return new BenchResult(compressedTicks, stats.Elapsed, GC.GetTotalAllocatedBytes(precise: true) - allocated, new Dictionary<string, double>
        {
            ["ratio"] = (double)stats.RawBytes / stats.CompressedBytes,
            ["rawMBps"] = stats.RawBytes / 1e6 / stats.Elapsed.TotalSeconds,
            ["segments"] = stats.Segments,
        });
    }

    private BenchResult Replay(string folder, long ticks)
    {
        var counted = new StrongBox<long>();
        var pipeline = Pipeline<DemoTick>.Create(PipelineOptions.Default with { Capacity = Capacity, WaitStrategy = WaitStrategyKind.Backoff });
        pipeline.HandleBatchesWith(new TickCountBatchHandler(counted));
        pipeline.Start();
        var measurement = BenchMeasurement.Start();
        using (JournalReader reader = JournalReader.Open<DemoTick, DemoTickInputCodec>(folder, default))
        {
            JournalReplay.Run(reader, default(DemoTickInputCodec), pipeline.RingBuffer, null);
        }

        pipeline.DrainAsync().GetAwaiter().GetResult();
        BenchResult result = measurement.Stop(ticks);
        pipeline.DisposeAsync().AsTask().GetAwaiter().GetResult();
        if (counted.Value != ticks)
        {
            throw new InvalidOperationException($"{Name}: {counted.Value} ticks replayed, expected {ticks}.");
        }

        return result;
    }
}

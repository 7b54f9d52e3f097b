using System.Security.Cryptography;
using System.Text;
using LowLatency.Engine.Journal;
using LowLatency.Engine.Pipelines;
using LowLatency.Engine.Processing;
using LowLatency.Engine.Time;
using LowLatency.Engine.Windowing;
using LowLatency.Testing.Windowing;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Journal;

using Collector = WindowCollector<TestTrade, long, TradeBar>;
using CountOp = GlobalWindowOperator<TestTrade, long, TradeBar, TradeBarFunction, CountTrigger<TestTrade, TradeBar>, CollectingSink<TestTrade, long, TradeBar>>;
using SessionOp = SessionWindowOperator<TestTrade, long, TradeBar, TradeBarFunction, CollectingSink<TestTrade, long, TradeBar>>;
using Sink = CollectingSink<TestTrade, long, TradeBar>;
using TimeOp = TimeWindowOperator<TestTrade, long, TradeBar, TradeBarFunction, CollectingSink<TestTrade, long, TradeBar>>;
using TradeCodec = BlittableCodec<TestTrade>;

/// <summary>Record a run, replay the journal: the output is the same, bit for bit, for every window kind.</summary>
public sealed class JournalReplayTests
{
    private const int Capacity = 1024;

    public static IEnumerable<TestCaseData> Kinds()
    {
        var watermark = new WatermarkOptions { OutOfOrderness = 7 };
        yield return new TestCaseData(WindowOptions.Tumbling(20) with { Watermark = watermark, AllowedLateness = 10 }).SetArgDisplayNames("tumbling");
        yield return new TestCaseData(WindowOptions.Hopping(40, 10) with { Watermark = watermark, Emission = EmissionMode.OnEveryUpdate }).SetArgDisplayNames("hopping");
        yield return new TestCaseData(WindowOptions.Session(6) with { Watermark = watermark, AllowedLateness = 20 }).SetArgDisplayNames("session");
        yield return new TestCaseData(WindowOptions.Tumbling(1) with { Capacity = 4096 }).SetArgDisplayNames("count");
        yield return new TestCaseData(WindowOptions.Tumbling(5) with { TimeDomain = TimeDomain.ProcessingTime }).SetArgDisplayNames("processing-time-tumbling");
        yield return new TestCaseData(WindowOptions.Hopping(8, 2) with { TimeDomain = TimeDomain.ProcessingTime, Emission = EmissionMode.OnEveryUpdate }).SetArgDisplayNames("processing-time-hopping");
        yield return new TestCaseData(WindowOptions.Hopping(40, 10) with { Watermark = watermark, Emission = EmissionMode.EarlyEveryPeriod, EarlyPeriod = 3 }).SetArgDisplayNames("early-firings");
        yield return new TestCaseData(WindowOptions.Tumbling(20) with { Watermark = watermark with { IdleTimeout = 2 } }).SetArgDisplayNames("idleness");
    }

    private static IWindowOperator<TestTrade> Create(WindowOptions options, Collector collector, string name) =>
        name == "count" ? new CountOp(options, new CountTrigger<TestTrade, TradeBar>(5), default, new Sink(collector))
        : options.Kind == WindowKind.Session ? new SessionOp(options with { Capacity = 4096 }, default, new Sink(collector))
        : new TimeOp(options with { Capacity = 4096 }, default, new Sink(collector));

    internal static string Hash(Collector collector)
    {
        var text = new StringBuilder();
        foreach ((_, WindowResult<long, TradeBar> r) in collector.Results)
        {
            text.Append(r.TriggerSequence).Append(' ').Append(r.Key).Append(' ').Append(r.Start).Append(' ').Append(r.End).Append(' ').Append(r.Version).Append(' ')
                .Append(r.IsFinal).Append(' ').Append(r.Value.ToString()).Append('\n');
        }

        text.Append("end ").Append(collector.EndMarkers);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static async Task<string> RecordAsync(string directory, WindowOptions options, string name, int seed, TestTrade[] trades, ISegmentCompressor? compressor = null)
    {
        var collector = new Collector();
        IWindowOperator<TestTrade> op = Create(options, collector, name);
        var recorded = new RecordedClock(Capacity);
        var clock = new ProcessingClock(new SteppingTimeProvider(seed, TimeSpan.FromMilliseconds(2)), ticksPerSecond: 1_000);
        using var writer = JournalWriter<TestTrade, TradeCodec>.Open(directory, default, JournalOptions.Default with { SegmentBytes = 64 << 10, Compressor = compressor });
        await using (var pipeline = Pipeline<TestTrade>.Create(PipelineOptions.Default with { Capacity = Capacity, WaitStrategy = WaitStrategyKind.Blocking }))
        {
            pipeline.HandleBatchesWith(new JournalStage<TestTrade, TradeCodec>(writer, clock, recorded), StageOptions.Default with { MaxBatchSize = 64 })
                .Then(new RecordedClockWindowStage<TestTrade, IWindowOperator<TestTrade>>(op, recorded));
            pipeline.Start();
            var random = new Random(seed);
            for (int i = 0; i < trades.Length;)
            {
                int n = Math.Min(trades.Length - i, 1 + random.Next(200));
                pipeline.RingBuffer.PublishBatch(trades.AsSpan(i, n));
                i += n;
            }

            await pipeline.DrainAsync();
        }

        Assert.That(writer.WaitForCompression(TimeSpan.FromSeconds(20)), Is.True);
        Assert.That(writer.Compression.Segments, compressor is null ? Is.Zero : Is.GreaterThan(0));
        return Hash(collector);
    }

    private static async Task<(string Hash, int Results)> ReplayAsync(string directory, WindowOptions options, string name, bool withClock, bool batches = false)
    {
        var collector = new Collector();
        IWindowOperator<TestTrade> op = Create(options, collector, name);
        var recorded = new RecordedClock(Capacity);
        await using (var pipeline = Pipeline<TestTrade>.Create(PipelineOptions.Default with { Capacity = Capacity, WaitStrategy = WaitStrategyKind.Blocking }))
        {
            // Other batch boundaries than the recorded run, one event at a time or the batch path: the output must not depend on them.
            var stage = new RecordedClockWindowStage<TestTrade, IWindowOperator<TestTrade>>(op, recorded);
            if (batches)
            {
                pipeline.HandleBatchesWith(stage, StageOptions.Default with { MaxBatchSize = 97 });
            }
            else
            {
                pipeline.HandleEventsWith(stage, StageOptions.Default with { MaxBatchSize = 7 });
            }

            pipeline.Start();
            using JournalReader reader = JournalReader.Open<TestTrade, TradeCodec>(directory, default);
            JournalReplayResult replay = JournalReplay.Run(reader, default(TradeCodec), pipeline.RingBuffer, withClock ? recorded : null);
            Assert.That(replay.Damage, Is.Null);
            await pipeline.DrainAsync();
        }

        return (Hash(collector), collector.Results.Count);
    }

    /// <summary>The replay without a ring: the stage called on this thread, in batches of at most 13 (records of up to 64 split).</summary>
    private static string ReplayDirect(string directory, WindowOptions options, string name)
    {
        var collector = new Collector();
        var clock = new RecordedClock(16);
        var stage = new RecordedClockWindowStage<TestTrade, IWindowOperator<TestTrade>>(Create(options, collector, name), clock);
        using JournalReader reader = JournalReader.Open<TestTrade, TradeCodec>(directory, default);
        JournalReplayResult replay = JournalReplay.Run(reader, default(TradeCodec), ref stage, clock, new TestTrade[13]);
        Assert.That(replay.Damage, Is.Null);
        stage.OnShutdown(ShutdownReason.Drained);
        return Hash(collector);
    }

    [TestCaseSource(nameof(Kinds))]
    [CancelAfter(60_000)]
    public async Task RecordThenReplay_IdenticalOutputHash(WindowOptions options)
    {
        string name = TestContext.CurrentContext.Test.Name;
        name = name[(name.IndexOf('(') + 1)..^1];
        for (int seed = 1; seed <= 3; seed++)
        {
            using var temp = new TempJournal();
            List<ScriptStep> script = ScriptGenerator.Create(seed, events: 5_000, keys: 7, step: 3, jitter: 12, watermarks: false);
            TestTrade[] trades = script.Where(s => s.Kind == ScriptKind.Event).Select(s => s.Trade).ToArray();
            string live = await RecordAsync(temp.Directory, options, name, seed, trades);
            (string replayed, int results) = await ReplayAsync(temp.Directory, options, name, withClock: true);
            Assert.That(results, Is.GreaterThan(0), $"seed {seed}");
            Assert.That(replayed, Is.EqualTo(live), $"seed {seed}: replay differs from the recorded run");
            (string batched, _) = await ReplayAsync(temp.Directory, options, name, withClock: true, batches: true);
            Assert.That(batched, Is.EqualTo(live), $"seed {seed}: the batch path's replay differs from the recorded run");
            Assert.That(ReplayDirect(temp.Directory, options, name), Is.EqualTo(live), $"seed {seed}: the replay without a ring differs from the recorded run");
            if (options.TimeDomain == TimeDomain.ProcessingTime || options.Emission == EmissionMode.EarlyEveryPeriod)
            {
                // The recorded clock is what makes it exact: without it the same events give other windows.
                (string unclocked, _) = await ReplayAsync(temp.Directory, options, name, withClock: false);
                Assert.That(unclocked, Is.Not.EqualTo(live), $"seed {seed}");
            }
        }
    }

    [TestCaseSource(nameof(Kinds))]
    [CancelAfter(60_000)]
    public async Task RecordCompressed_ThenReplay_SameOutputHashAsRaw(WindowOptions options)
    {
        string name = TestContext.CurrentContext.Test.Name;
        name = name[(name.IndexOf('(') + 1)..^1];
        List<ScriptStep> script = ScriptGenerator.Create(seed: 4, events: 5_000, keys: 7, step: 3, jitter: 12, watermarks: false);
        TestTrade[] trades = script.Where(s => s.Kind == ScriptKind.Event).Select(s => s.Trade).ToArray();
        using var raw = new TempJournal();
        using var compressed = new TempJournal();
        string rawLive = await RecordAsync(raw.Directory, options, name, 4, trades);
        string compressedLive = await RecordAsync(compressed.Directory, options, name, 4, trades, Lz4SegmentCompressor.Instance);
        (string rawReplay, int results) = await ReplayAsync(raw.Directory, options, name, withClock: true);
        (string compressedReplay, _) = await ReplayAsync(compressed.Directory, options, name, withClock: true);
        Assert.That(results, Is.GreaterThan(0));
        Assert.That(rawReplay, Is.EqualTo(rawLive));
        Assert.That(compressedReplay, Is.EqualTo(compressedLive), "the replay from compressed segments equals its recorded run");
        if (options.TimeDomain == TimeDomain.EventTime && options.Emission != EmissionMode.EarlyEveryPeriod && name != "idleness")
        {
            // Event-time results depend on the input alone: both runs, raw or compressed, give the same output.
            Assert.That(compressedReplay, Is.EqualTo(rawReplay), "compressed and raw journals of the same input replay the same");
        }
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Replay_RangeAndPacing_PublishesExactlyTheRange()
    {
        using var temp = new TempJournal();
        using (var writer = JournalWriter<JournalTestEvent, BlittableCodec<JournalTestEvent>>.Open(temp.Directory, default, JournalWriterTests.Small))
        {
            // Clock readings 1 ms apart per 100-event batch (ns ticks): 2,000 events span 20 ms as recorded.
            var batch = new JournalTestEvent[100];
            for (int b = 0; b < 20; b++)
            {
                for (int i = 0; i < 100; i++)
                {
                    batch[i] = JournalTestEvent.For((b * 100) + i);
                }

                writer.Append(batch, b * 1_000_000L);
            }
        }

        var seen = new List<long>();
        await using (var pipeline = Pipeline<JournalTestEvent>.Create(PipelineOptions.Default with { Capacity = 256, WaitStrategy = WaitStrategyKind.Blocking }))
        {
            pipeline.HandleEventsWith(new Collect(seen));
            pipeline.Start();
            using JournalReader reader = JournalReader.Open<JournalTestEvent, BlittableCodec<JournalTestEvent>>(temp.Directory, default);
            JournalReplayResult result = JournalReplay.Run(reader, default(BlittableCodec<JournalTestEvent>), pipeline.RingBuffer, null,
                JournalReplayOptions.Default with { FromPosition = 150, ToPosition = 1_234, Speed = 2 });
            Assert.That((result.Events, result.FirstPosition, result.LastPosition), Is.EqualTo((1_085L, 150L, 1_234L)));
            await pipeline.DrainAsync();
        }

        Assert.That(seen, Is.EqualTo(Enumerable.Range(150, 1_085).Select(i => (long)i)));

        // The same range without a ring: the handler's batches carry sequences from 0 and the records' readings.
        var clock = new RecordedClock(64);
        var direct = new CollectBatches(clock);
        using (JournalReader reader = JournalReader.Open<JournalTestEvent, BlittableCodec<JournalTestEvent>>(temp.Directory, default))
        {
            JournalReplayResult result = JournalReplay.Run(reader, default(BlittableCodec<JournalTestEvent>), ref direct, clock, new JournalTestEvent[40],
                JournalReplayOptions.Default with { FromPosition = 150, ToPosition = 1_234 });
            Assert.That((result.Events, result.FirstPosition, result.LastPosition), Is.EqualTo((1_085L, 150L, 1_234L)));
        }

        Assert.That(direct.Seen, Is.EqualTo(Enumerable.Range(150, 1_085).Select(i => (long)i)));
        Assert.That(direct.Batches.Max(b => b.Count), Is.EqualTo(40), "batches of at most the buffer's length");
        Assert.That(direct.Readings, Is.EqualTo(Enumerable.Range(150, 1_085).Select(i => i / 100 * 1_000_000L)), "each event's recorded reading");
    }

    [Test]
    public void ReplayWithoutRing_BufferLargerThanTheClock_RefusedNamingTheBuffer()
    {
        using var temp = new TempJournal();
        using (JournalWriter<JournalTestEvent, BlittableCodec<JournalTestEvent>>.Open(temp.Directory, default, JournalWriterTests.Small))
        {
        }

        var direct = new CollectBatches(new RecordedClock(16));
        using JournalReader reader = JournalReader.Open<JournalTestEvent, BlittableCodec<JournalTestEvent>>(temp.Directory, default);
        var error = Assert.Throws<ArgumentException>(() => JournalReplay.Run(reader, default(BlittableCodec<JournalTestEvent>), ref direct, new RecordedClock(16), new JournalTestEvent[17]));
        Assert.That(error!.ParamName, Is.EqualTo("buffer"));
    }

    private readonly struct Collect(List<long> seen) : IEventHandler<JournalTestEvent>
    {
        public void OnEvent(ref JournalTestEvent data, long sequence, bool endOfBatch) => seen.Add(data.Id);
    }

    /// <summary>Events, their readings (from the clock the replay fills) and the batches (first sequence, count).</summary>
    private sealed class CollectBatches(RecordedClock clock) : IBatchEventHandler<JournalTestEvent>
    {
        public List<long> Seen { get; } = new();

        public List<(long First, int Count)> Batches { get; } = new();

        public List<long> Readings { get; } = new();

        public void OnBatch(Span<JournalTestEvent> batch, long firstSequence)
        {
            Assert.That(firstSequence, Is.EqualTo(Batches.Sum(b => b.Count)), "sequences from 0, without gaps");
            Batches.Add((firstSequence, batch.Length));
            for (int i = 0; i < batch.Length; i++)
            {
                Seen.Add(batch[i].Id);
                Readings.Add(clock[firstSequence + i]);
            }
        }
    }
}

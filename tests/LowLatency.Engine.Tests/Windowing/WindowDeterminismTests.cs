using LowLatency.Engine.Pipelines;
using LowLatency.Engine.Processing;
using LowLatency.Engine.Time;
using LowLatency.Engine.Windowing;
using LowLatency.Testing.Windowing;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Windowing;

using Collector = WindowCollector<TestTrade, long, TradeBar>;
using Sink = CollectingSink<TestTrade, long, TradeBar>;
using SessionOp = SessionWindowOperator<TestTrade, long, TradeBar, TradeBarFunction, CollectingSink<TestTrade, long, TradeBar>>;
using TimeOp = TimeWindowOperator<TestTrade, long, TradeBar, TradeBarFunction, CollectingSink<TestTrade, long, TradeBar>>;

/// <summary>Event-time results depend on the input sequence alone: not on batch boundaries, not on a snapshot in the middle.</summary>
public sealed class WindowDeterminismTests
{
    public static IEnumerable<TestCaseData> Options()
    {
        var watermark = new WatermarkOptions { OutOfOrderness = 7 };
        yield return new TestCaseData(WindowOptions.Tumbling(20) with { Watermark = watermark, AllowedLateness = 10 }).SetArgDisplayNames("tumbling-L10");
        yield return new TestCaseData(WindowOptions.Hopping(40, 10) with { Watermark = watermark, Emission = EmissionMode.OnEveryUpdate }).SetArgDisplayNames("hopping-every-update");
        yield return new TestCaseData(WindowOptions.Hopping(40, 10) with { Watermark = watermark, Emission = EmissionMode.EarlyEveryPeriod, EarlyPeriod = 20, AllowedLateness = 15 }).SetArgDisplayNames("hopping-early-L15");
        yield return new TestCaseData(WindowOptions.Hopping(25, 10, offset: 3) with { Watermark = watermark, AllowedLateness = 12, Emission = EmissionMode.OnEveryUpdate }).SetArgDisplayNames("hopping-25-10-every-update-L12");
        yield return new TestCaseData(WindowOptions.Hopping(7, 10) with { Watermark = watermark, AllowedLateness = 5 }).SetArgDisplayNames("hopping-gaps-L5");
        yield return new TestCaseData(WindowOptions.Session(6) with { Watermark = watermark, AllowedLateness = 20 }).SetArgDisplayNames("session-L20");
        yield return new TestCaseData(WindowOptions.Session(6) with { Watermark = watermark, AllowedLateness = 20, Emission = EmissionMode.OnEveryUpdate }).SetArgDisplayNames("session-every-update-L20");
        yield return new TestCaseData(WindowOptions.Session(6) with { Watermark = watermark, Emission = EmissionMode.EarlyEveryPeriod, EarlyPeriod = 20 }).SetArgDisplayNames("session-early");
    }

    private static IWindowOperator<TestTrade> Create(WindowOptions options, Collector collector) =>
        options.Kind == WindowKind.Session
            ? new SessionOp(options with { Capacity = 4096 }, default, new Sink(collector))
            : new TimeOp(options with { Capacity = 4096 }, default, new Sink(collector));

    private static List<WindowResult<long, TradeBar>> Plain(Collector c) => c.Results.Select(r => r.Result).ToList();

    private static string Show(WindowResult<long, TradeBar> r) => $"key {r.Key} [{r.Start}, {r.End}) v{r.Version} final={r.IsFinal} {r.Value}";

    private sealed class Recorder
    {
        public IWindowOperator<TestTrade>? Operator { get; set; }
    }

    [TestCaseSource(nameof(Options))]
    [CancelAfter(60_000)]
    public async Task Pipeline_BatchesOfOneAndOfThousands_IdenticalResults(WindowOptions options)
    {
        for (int seed = 1; seed <= 5; seed++)
        {
            List<ScriptStep> script = ScriptGenerator.Create(seed, events: 5_000, keys: 7, step: 3, jitter: 12, watermarks: true);
            TestTrade[] trades = script.Where(s => s.Kind == ScriptKind.Event).Select(s => s.Trade).ToArray();

            async Task<List<WindowResult<long, TradeBar>>> RunAsync(int maxBatch, int publishChunk)
            {
                var collector = new Collector();
                IWindowOperator<TestTrade> op = Create(options, collector);
                await using var pipeline = Pipeline<TestTrade>.Create(PipelineOptions.Default with { Capacity = 8192, WaitStrategy = WaitStrategyKind.Blocking });
                pipeline.HandleEventsWith(new WindowStage<TestTrade, IWindowOperator<TestTrade>>(op), StageOptions.Default with { MaxBatchSize = maxBatch });
                pipeline.Start();
                for (int i = 0; i < trades.Length; i += publishChunk)
                {
                    pipeline.RingBuffer.PublishBatch(trades.AsSpan(i, Math.Min(publishChunk, trades.Length - i)));
                }

                await pipeline.DrainAsync();
                Assert.That(collector.EndMarkers, Is.EqualTo(1));
                return Plain(collector);
            }

            List<WindowResult<long, TradeBar>> ones = await RunAsync(maxBatch: 1, publishChunk: 1);
            List<WindowResult<long, TradeBar>> large = await RunAsync(maxBatch: int.MaxValue, publishChunk: 4_000);
            Assert.That(large, Is.EqualTo(ones), $"seed {seed}");
            Assert.That(ones, Is.Not.Empty, $"seed {seed}");
        }
    }

    [TestCaseSource(nameof(Options))]
    [CancelAfter(30_000)]
    public void Snapshot_RestoreAndContinue_EqualsUninterruptedRun(WindowOptions options)
    {
        for (int seed = 1; seed <= 10; seed++)
        {
            List<ScriptStep> script = ScriptGenerator.Create(seed, events: 1_500, keys: 9, step: 3, jitter: 12, watermarks: true, ticks: true);
            var whole = new Collector();
            WindowDriver.Run(Create(options, whole), whole, script);

            int cut = new Random(seed).Next(1, script.Count - 1);
            var first = new Collector();
            IWindowOperator<TestTrade> a = Create(options, first);
            WindowDriver.Run(a, first, script, 0, cut);
            using var snapshot = new MemoryStream();
            a.WriteSnapshot(snapshot);
            snapshot.Position = 0;

            var second = new Collector();
            IWindowOperator<TestTrade> b = Create(options, second);
            b.RestoreSnapshot(snapshot);
            WindowDriver.Run(b, second, script, cut);

            List<WindowResult<long, TradeBar>> joined = Plain(first).Concat(Plain(second)).ToList();
            List<WindowResult<long, TradeBar>> expected = Plain(whole);
            int diff = Enumerable.Range(0, Math.Min(joined.Count, expected.Count)).FirstOrDefault(i => !joined[i].Equals(expected[i]), -1);
            Assert.That(joined, Is.EqualTo(expected), $"seed {seed}, cut at {cut} (first result after the cut: #{first.Results.Count}); first difference #{diff}: " +
                (diff < 0 ? "lengths" : $"expected {Show(expected[diff])} actual {Show(joined[diff])}"));
        }
    }
}

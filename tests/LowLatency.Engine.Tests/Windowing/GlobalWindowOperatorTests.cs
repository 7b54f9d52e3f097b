using LowLatency.Engine.Windowing;
using LowLatency.Testing.Windowing;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Windowing;

using Collector = WindowCollector<TestTrade, long, TradeBar>;
using CountOp = GlobalWindowOperator<TestTrade, long, TradeBar, TradeBarFunction, CountTrigger<TestTrade, TradeBar>, CollectingSink<TestTrade, long, TradeBar>>;
using Sink = CollectingSink<TestTrade, long, TradeBar>;

/// <summary>Global windows with a custom trigger; count windows against a brute-force model.</summary>
public sealed class GlobalWindowOperatorTests
{
    private struct VolumeTrigger : IWindowTrigger<TestTrade, TradeBar>
    {
        public readonly TriggerAction OnEvent(in TestTrade e, in TradeBar accumulator, long count) =>
            accumulator.Vwap.Volume >= 10 ? TriggerAction.FireAndPurge : count % 2 == 0 ? TriggerAction.Fire : TriggerAction.Continue;
    }

    [Test]
    [CancelAfter(30_000)]
    public void CountWindows_RandomStreams_MatchBruteForce()
    {
        for (int seed = 1; seed <= 30; seed++)
        {
            var random = new Random(seed);
            int n = 1 + random.Next(6);
            var collector = new Collector();
            var op = new CountOp(WindowOptions.Tumbling(1) with { Capacity = 64 }, new CountTrigger<TestTrade, TradeBar>(n), default, new Sink(collector));
            var open = new Dictionary<long, List<TestTrade>>();
            var expected = new List<(long Key, long Count, double Volume, long Start, long End, bool Final)>();
            for (int i = 0; i < 500; i++)
            {
                var t = new TestTrade(random.Next(1000), random.Next(8), random.Next(1, 9), random.Next(1, 4));
                op.OnEvent(ref t);
                List<TestTrade> list = open.TryGetValue(t.Symbol, out List<TestTrade>? l) ? l : open[t.Symbol] = new();
                list.Add(t);
                if (list.Count == n)
                {
                    expected.Add((t.Symbol, n, list.Sum(x => x.Quantity), list.Min(x => x.Timestamp), list.Max(x => x.Timestamp) + 1, true));
                    list.Clear();
                }
            }

            op.Drain();
            var tail = open.Where(kv => kv.Value.Count > 0).Select(kv => (kv.Key, (long)kv.Value.Count, kv.Value.Sum(x => x.Quantity), kv.Value.Min(x => x.Timestamp), kv.Value.Max(x => x.Timestamp) + 1, true));
            var actual = collector.Results.Select(r => (r.Result.Key, r.Result.Value.Ohlc.Count, r.Result.Value.Vwap.Volume, r.Result.Start, r.Result.End, r.Result.IsFinal)).ToList();
            Assert.That(actual.Take(expected.Count), Is.EqualTo(expected), $"seed {seed}");
            Assert.That(actual.Skip(expected.Count), Is.EquivalentTo(tail), $"seed {seed}: drain emits the open windows");
            Assert.That(collector.Results.All(r => r.Result.Version == 1), Is.True, $"seed {seed}");
            Assert.That(collector.EndMarkers, Is.EqualTo(1));
        }
    }

    [Test]
    [CancelAfter(5_000)]
    public void CustomTrigger_FireThenFireAndPurge_VersionsAndFinality()
    {
        var collector = new Collector();
        var op = new GlobalWindowOperator<TestTrade, long, TradeBar, TradeBarFunction, VolumeTrigger, Sink>(
            WindowOptions.Tumbling(1), default, default, new Sink(collector));
        foreach (double qty in new double[] { 1, 2, 3, 5, 1 })
        {
            var t = new TestTrade(0, 1, 1, qty);
            op.OnEvent(ref t);
        }

        op.Drain();
        Assert.That(collector.Results.Select(r => (r.Result.Version, r.Result.IsFinal, r.Result.Value.Vwap.Volume)),
            Is.EqualTo(new[] { (1, false, 3d), (2, true, 11d), (1, true, 1d) }));
    }

    [Test]
    [CancelAfter(10_000)]
    public void Snapshot_RestoreAndContinue_EqualsUninterruptedRun()
    {
        var trades = Enumerable.Range(0, 400).Select(i => new TestTrade(i, i * 7 % 11, 1 + (i % 5), 1)).ToArray();
        List<WindowResult<long, TradeBar>> Run(int? cut)
        {
            var collector = new Collector();
            var op = new CountOp(WindowOptions.Tumbling(1) with { Capacity = 64 }, new CountTrigger<TestTrade, TradeBar>(3), default, new Sink(collector));
            for (int i = 0; i < trades.Length; i++)
            {
                if (i == cut)
                {
                    using var snapshot = new MemoryStream();
                    op.WriteSnapshot(snapshot);
                    snapshot.Position = 0;
                    op = new CountOp(WindowOptions.Tumbling(1) with { Capacity = 64 }, new CountTrigger<TestTrade, TradeBar>(3), default, new Sink(collector));
                    op.RestoreSnapshot(snapshot);
                }

                TestTrade t = trades[i];
                op.OnEvent(ref t);
            }

            op.Drain();
            return collector.Results.Select(r => r.Result).ToList();
        }

        Assert.That(Run(217), Is.EqualTo(Run(null)));
    }
}

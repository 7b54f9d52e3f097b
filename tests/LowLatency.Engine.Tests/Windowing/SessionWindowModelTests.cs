using LowLatency.Engine.Time;
using LowLatency.Engine.Windowing;
using LowLatency.Testing.Windowing;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Windowing;

using Collector = WindowCollector<TestTrade, long, TradeBar>;
using Op = SessionWindowOperator<TestTrade, long, TradeBar, TradeBarFunction, CollectingSink<TestTrade, long, TradeBar>>;

/// <summary>Session windows: randomized streams against the reference model, and the merge/bridge cases by hand.</summary>
public sealed class SessionWindowModelTests
{
    private const int Seeds = 40;

    public static IEnumerable<TestCaseData> Configurations()
    {
        foreach (EmissionMode mode in Enum.GetValues<EmissionMode>())
        {
            foreach (long lateness in new long[] { 0, 25 })
            {
                yield return new TestCaseData(WindowOptions.Session(6) with { Emission = mode, AllowedLateness = lateness, EarlyPeriod = 30 }).SetArgDisplayNames($"session-{mode}-L{lateness}");
            }
        }
    }

    private static (Op Op, Collector Collector) Create(WindowOptions options)
    {
        var collector = new Collector();
        return (new Op(options, default, new CollectingSink<TestTrade, long, TradeBar>(collector)), collector);
    }

    [TestCaseSource(nameof(Configurations))]
    [CancelAfter(30_000)]
    public void RandomStreams_MatchReferenceModel(WindowOptions baseOptions)
    {
        long lateDropped = 0, lateAccepted = 0;
        for (int seed = 1; seed <= Seeds; seed++)
        {
            WindowOptions options = baseOptions with { Watermark = new WatermarkOptions { OutOfOrderness = seed % 3 == 0 ? 0 : 7 }, Capacity = 4096 };
            List<ScriptStep> script = ScriptGenerator.Create(seed, events: 400, keys: 1 + (seed % 5), step: 4, jitter: 12, ticks: true);
            var model = new WindowReferenceModel(options);
            model.Run(script);
            var (op, collector) = Create(options);
            WindowDriver.Run(op, collector, script);

            IReadOnlyList<ExpectedResult> expected = ExpectedResult.Canonical(model.Results);
            IReadOnlyList<ExpectedResult> actual = WindowDriver.Results(collector);
            Assert.That(actual, Is.EqualTo(expected), $"seed {seed}: {WindowDriver.Diff(expected, actual)}");
            Assert.That(WindowDriver.Late(collector), Is.EqualTo(model.Late), $"seed {seed}: late events");
            Assert.That(op.LateDropped, Is.EqualTo(model.Late.Count), $"seed {seed}: late counter");
            lateDropped += op.LateDropped;
            lateAccepted += op.LateAccepted;
            Assert.That(op.LiveSessions, Is.Zero, $"seed {seed}: drain leaves no state");
        }

        // The generator must exercise what the test claims: too-late drops and (with lateness) allowed-late updates.
        Assert.That(lateDropped, Is.GreaterThan(0));
        Assert.That(lateAccepted, Is.GreaterThan(0));
    }

    [Test]
    [CancelAfter(5_000)]
    public void OnEvent_KeyTableFullOfClosedKeys_SweptForNewKey()
    {
        var (op, c) = Create(WindowOptions.Session(1) with { Capacity = 2 });
        foreach ((long ts, long key) in new[] { (0L, 0L), (100L, 1L), (200L, 0L), (300L, 2L), (400L, 3L) })
        {
            var e = new TestTrade(ts, key, 1, 1);
            op.OnEvent(ref e);
            op.OnWatermark(ts + 50); // closes every session: their keys stay, idle, until the table needs room
        }

        op.Drain();
        Assert.Multiple(() =>
        {
            Assert.That(op.StateFullRejected, Is.Zero);
            Assert.That(c.Results.Select(r => r.Result.Key), Is.EqualTo(new[] { 0L, 1L, 0L, 2L, 3L }));
        });
    }

    [Test]
    [CancelAfter(5_000)]
    public void OnEvent_EventsWithinGap_MergeIntoOneSession()
    {
        var (op, c) = Create(WindowOptions.Session(10) with { Watermark = new WatermarkOptions { OutOfOrderness = 100 } });
        foreach (long ts in new long[] { 0, 10, 25, 15 })
        {
            var e = new TestTrade(ts, 1, 1, 1);
            op.OnEvent(ref e);
        }

        op.Drain();
        Assert.That(c.Results.Select(r => (r.Result.Start, r.Result.End, r.Result.Value.Ohlc.Count)), Is.EqualTo(new[] { (0L, 35L, 4L) }));
        Assert.That(op.Merges, Is.EqualTo(1), "15 bridges [0, 20) and [25, 35)");
    }

    [Test]
    [CancelAfter(5_000)]
    public void OnEvent_AllowedLateEventBridgesTwoFiredSessions_ReFiresMergedWithNextVersion()
    {
        var (op, c) = Create(WindowOptions.Session(10) with { AllowedLateness = 100 });
        foreach (long ts in new long[] { 0, 30, 60 })
        {
            var e = new TestTrade(ts, 1, 1, 1);
            op.OnEvent(ref e);
        }

        Assert.That(c.Results.Select(r => (r.Result.Start, r.Result.End, r.Result.Version, r.Result.IsFinal)),
            Is.EqualTo(new[] { (0L, 10L, 1, false), (30L, 40L, 1, false) }));
        c.Results.Clear();
        var late = new TestTrade(20, 1, 1, 1); // [20, 30) touches [30, 40) and [10, ...): bridges [0,10)? no: 20 > 10
        op.OnEvent(ref late);
        var bridge = new TestTrade(10, 1, 1, 1); // [10, 20) touches [0, 10) and [20, 40): one session [0, 40)
        op.OnEvent(ref bridge);
        Assert.That(c.Results.Select(r => (r.Result.Start, r.Result.End, r.Result.Version, r.Result.Value.Ohlc.Count)),
            Is.EqualTo(new[] { (20L, 40L, 2, 2L), (0L, 40L, 3, 4L) }));
        Assert.That(op.LateAccepted, Is.EqualTo(2));
    }
}

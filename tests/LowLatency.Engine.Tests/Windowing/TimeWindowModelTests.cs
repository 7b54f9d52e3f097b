using LowLatency.Engine.Time;
using LowLatency.Engine.Windowing;
using LowLatency.Testing.Windowing;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Windowing;

using Collector = WindowCollector<TestTrade, long, TradeBar>;
using Op = TimeWindowOperator<TestTrade, long, TradeBar, TradeBarFunction, CollectingSink<TestTrade, long, TradeBar>>;

/// <summary>Randomized out-of-order streams against the brute-force reference model, for every emission mode.</summary>
public sealed class TimeWindowModelTests
{
    private const int Seeds = 40;

    public static IEnumerable<TestCaseData> Configurations()
    {
        foreach (EmissionMode mode in Enum.GetValues<EmissionMode>())
        {
            foreach (long lateness in new long[] { 0, 25 })
            {
                yield return new TestCaseData(WindowOptions.Tumbling(20, offset: 3) with { Emission = mode, AllowedLateness = lateness, EarlyPeriod = 30 }).SetArgDisplayNames($"tumbling-{mode}-L{lateness}");
                yield return new TestCaseData(WindowOptions.Hopping(40, 10, offset: -4) with { Emission = mode, AllowedLateness = lateness, EarlyPeriod = 30 }).SetArgDisplayNames($"hopping-{mode}-L{lateness}");
            }
        }
    }

    [TestCaseSource(nameof(Configurations))]
    [CancelAfter(30_000)]
    public void RandomStreams_MatchReferenceModel(WindowOptions baseOptions)
    {
        long lateDropped = 0, lateAccepted = 0;
        for (int seed = 1; seed <= Seeds; seed++)
        {
            WindowOptions options = baseOptions with { Watermark = new WatermarkOptions { OutOfOrderness = seed % 3 == 0 ? 0 : 7 }, Capacity = 4096 };
            List<ScriptStep> script = ScriptGenerator.Create(seed, events: 400, keys: 1 + (seed % 5), step: 3, jitter: 12, ticks: true);
            var model = new WindowReferenceModel(options);
            model.Run(script);

            var collector = new Collector();
            var op = new Op(options, default, new CollectingSink<TestTrade, long, TradeBar>(collector));
            WindowDriver.Run(op, collector, script);

            IReadOnlyList<ExpectedResult> expected = ExpectedResult.Canonical(model.Results);
            IReadOnlyList<ExpectedResult> actual = WindowDriver.Results(collector);
            Assert.That(actual, Is.EqualTo(expected), $"seed {seed}: {WindowDriver.Diff(expected, actual)}");
            Assert.That(WindowDriver.Late(collector), Is.EqualTo(model.Late), $"seed {seed}: late events");
            Assert.That(op.LateDropped, Is.EqualTo(model.Late.Count), $"seed {seed}: late counter");
            lateDropped += op.LateDropped;
            lateAccepted += op.LateAccepted;
            Assert.That(collector.EndMarkers, Is.EqualTo(1), $"seed {seed}");
            Assert.That(op.LiveEntries, Is.Zero, $"seed {seed}: drain leaves no state");
        }

        // The generator must exercise what the test claims: too-late drops and (with lateness) allowed-late updates.
        Assert.That(lateDropped, Is.GreaterThan(0));
        Assert.That(lateAccepted, Is.GreaterThan(0));
    }
}

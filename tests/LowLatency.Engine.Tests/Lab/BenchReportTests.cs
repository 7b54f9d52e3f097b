using System.Text.Json;
using LowLatency.Lab.Bench;
using LowLatency.Lab.Measurement;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Lab;

public sealed class BenchReportTests
{
    private sealed class FixedScenario(string name) : IBenchScenario
    {
        public string Name => name;

        public string Group => "test";

        public string Description => "fixed result";

        public BenchResult Run(BenchContext context) => throw new NotSupportedException();
    }

    [Test]
    public void WriteJson_RecordsTheCoreToCoreFloorBesideTheMachineAndEveryResult()
    {
        BenchRow[] rows =
        [
            new(new FixedScenario(BenchCatalog.Baseline), [new BenchResult(1_000_000, TimeSpan.FromSeconds(1), 0)]),
            new(new FixedScenario("engine-x"), [new BenchResult(50_000_000, TimeSpan.FromSeconds(1), 0)]),
        ];
        string path = Path.Combine(Path.GetTempPath(), $"bench-report-{Guid.NewGuid():N}.json");
        try
        {
            BenchReport.WriteJson(path, rows, new CoreToCoreFloor(118.26, 541.74));
            using JsonDocument report = JsonDocument.Parse(File.ReadAllText(path));
            JsonElement floor = report.RootElement.GetProperty("machine").GetProperty("coreToCoreRoundTripNs");
            JsonElement engine = report.RootElement.GetProperty("results")[1];
            Assert.Multiple(() =>
            {
                Assert.That(floor.GetProperty("before").GetDouble(), Is.EqualTo(118.3).Within(0.01));
                Assert.That(floor.GetProperty("after").GetDouble(), Is.EqualTo(541.7).Within(0.01));
                Assert.That(engine.GetProperty("name").GetString(), Is.EqualTo("engine-x"));
                Assert.That(engine.GetProperty("ratioToBaseline").GetDouble(), Is.EqualTo(50));
            });
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void WriteJson_RoundsWithLatencyFigures_RecordsTheMedianPerRoundRatioOfEachFigure()
    {
        static BenchResult Round(double p99) => new(1_000_000, TimeSpan.FromSeconds(1), 0, new Dictionary<string, double> { ["p99Us"] = p99 });

        // Per-round p99 ratios 2.0, 1.1, 0.5: the median is 1.1 (the ratio of the medians, 60 / 40, would be 1.5).
        BenchRow[] rows =
        [
            new(new FixedScenario(BenchCatalog.Baseline), [Round(1), Round(1), Round(1)]),
            new(new FixedScenario("demo-max"), [Round(20), Round(40), Round(80)]),
            new(new FixedScenario("demo-max-journal"), [Round(40), Round(44), Round(40)]),
        ];
        var floor = new CoreToCoreFloor(120, 540, [120, 130, 140]);
        string path = Path.Combine(Path.GetTempPath(), $"bench-report-{Guid.NewGuid():N}.json");
        try
        {
            BenchReport.WriteJson(path, rows, floor);
            using JsonDocument report = JsonDocument.Parse(File.ReadAllText(path));
            JsonElement journaled = report.RootElement.GetProperty("results")[2];
            Assert.Multiple(() =>
            {
                Assert.That(journaled.GetProperty("figuresToReference").GetProperty("p99Us").GetDouble(), Is.EqualTo(1.1).Within(1e-9));
                Assert.That(report.RootElement.GetProperty("results")[0].TryGetProperty("figuresToReference", out _), Is.False, "a reference has no ratio");
                Assert.That(BenchReport.Table(rows, floor), Does.Contain("× reference per round (median): p99Us 1.10"));
            });
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void Table_NamesTheCoreToCoreFloorOfTheRun()
    {
        BenchRow[] rows = [new(new FixedScenario(BenchCatalog.Baseline), [new BenchResult(1_000, TimeSpan.FromSeconds(1), 0)])];
        Assert.That(BenchReport.Table(rows, new CoreToCoreFloor(120, 540)), Does.Contain("120 ns before, 540 ns after"));
    }

    [Test]
    [CancelAfter(30_000)]
    public void CoreToCoreProbe_ReturnsTheMeanOfTheTimedRoundTrips()
    {
        // Few rounds: the two threads spin, and on two shared cores the echo may wait for a time slice.
        double nanoseconds = CoreToCoreProbe.RoundTripNanoseconds(rounds: 200);
        // Bounds no working probe leaves: zero or less if nothing was timed, about 10^11 if the clock started at 0.
        Assert.That(nanoseconds, Is.GreaterThan(0).And.LessThan(1e9), "a mean round trip");
    }

    [Test]
    public void ReferenceOf_EveryScenario_NamesAScenarioOfTheCatalog()
    {
        var names = BenchCatalog.All.Select(scenario => scenario.Name).ToHashSet();
        foreach (string name in names)
        {
            if (BenchCatalog.ReferenceOf(name) is { } reference)
            {
                Assert.That(names, Does.Contain(reference), $"{name} is judged against {reference}");
            }
        }
    }

    [TestCase("tcp-ingest", "tcp-ingest-nocrc")]
    [TestCase("tcp-ingest-lz4", "tcp-ingest-lz4-nocrc")]
    [TestCase("tcp-ingest-nocrc", "tcp-networkstream-baseline")]
    public void ReferenceOf_ChecksummedIngest_IsItsUncheckedTwin(string name, string expected) =>
        Assert.That(BenchCatalog.ReferenceOf(name), Is.EqualTo(expected));

    // The window targets of issue 13, each a ratio to its reference in one run.
    [TestCase("window-tumbling-vwap-10k", "window-dictionary-baseline")]
    [TestCase("window-hopping-10", "window-tumbling-vwap-10k")]
    [TestCase("window-session", "window-rx-baseline")]
    [TestCase("window-rx-baseline", "window-dictionary-baseline")]
    public void ReferenceOf_WindowScenario_IsWhatIssue13JudgesItAgainst(string name, string expected) =>
        Assert.That(BenchCatalog.ReferenceOf(name), Is.EqualTo(expected));

    [TestCase("demo-max-journal", "demo-max")]
    [TestCase("demo-max-journal-no-pretouch", "demo-max")]
    [TestCase("demo-1m-journal", "demo-1m")]
    [TestCase("demo-1m-journal-no-pretouch", "demo-1m")]
    [TestCase("demo-max", "channel-async")]
    public void ReferenceOf_JournaledDemo_IsTheSameDemoWithoutTheJournal(string name, string expected) =>
        Assert.That(BenchCatalog.ReferenceOf(name), Is.EqualTo(expected));

    [TestCase("journal-replay-tumbling-1s", "window-tumbling-vwap-10k")]
    [TestCase("journal-replay-count", "journal-mapped-memcpy-baseline")]
    [TestCase("journal-filestream-flush-baseline", "journal-mapped-memcpy-baseline")]
    [TestCase("journal-append-32b", "journal-mapped-memcpy-baseline")]
    public void ReferenceOf_JournalScenario_IsItsBound(string name, string expected) =>
        Assert.That(BenchCatalog.ReferenceOf(name), Is.EqualTo(expected));
}

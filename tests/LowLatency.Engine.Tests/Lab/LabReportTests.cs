using System.Text.Json;
using HdrHistogram;
using LowLatency.Lab.Demo;
using LowLatency.Lab.Measurement;
using LowLatency.Lab.Reporting;
using LowLatency.Lab.Verification;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Lab;

public sealed class LabReportTests
{
    /// <summary>The documented contract (README, "Lab reports"): perf labs parse these names.</summary>
    private static readonly string[] s_documentedTopLevel =
    [
        "events", "eventsPerSecond", "latencyNs", "gc", "allocatedBytes",
        "lost", "duplicated", "reordered", "late", "dropped", "windowsEmitted",
    ];

    private static RunResult SyntheticRun()
    {
        var histogram = new LongHistogram(1, LatencyRecorder.HighestTrackableNs, 3);
        for (long ns = 1_000; ns <= 1_000_000; ns += 1_000)
        {
            histogram.RecordValue(ns);
        }

        return new RunResult
        {
            Spec = new RunSpec(),
            Events = 123_456,
            SteadyEvents = 100_000,
            SteadyElapsed = TimeSpan.FromSeconds(2),
            Elapsed = TimeSpan.FromSeconds(3),
            SteadyGc = new GcSnapshot(1, 2, 3, 4_096, 0),
            Latency = histogram,
            Intervals = [new IntervalSample { ElapsedSeconds = 1, P99 = 7, Gen0 = 1 }],
            Verification = new VerifierResult(Expected: 123_456, Seen: 123_457, Lost: 5, Duplicated: 6, Reordered: 7, Corrupted: 0, Verifiable: true),
            Dropped = 8,
            Late = 9,
            Rejected = 10,
            WindowsEmitted = 11,
            PriceBandBreaches = 0,
            NotionalBreaches = 0,
            WindowSamples = [],
        };
    }

    [CancelAfter(10_000)]
    [Test]
    public void Serialize_AnyReport_UsesTheDocumentedFieldNames()
    {
        using JsonDocument json = JsonDocument.Parse(ReportFiles.Serialize(LabReport.From("demo", SyntheticRun())));
        JsonElement root = json.RootElement;

        Assert.Multiple(() =>
        {
            foreach (string name in s_documentedTopLevel)
            {
                Assert.That(root.TryGetProperty(name, out _), Is.True, $"missing top-level field '{name}'");
            }

            Assert.That(PropertyNames(root.GetProperty("latencyNs")), Is.SupersetOf(new[] { "p50", "p99", "p999", "max" }));
            Assert.That(PropertyNames(root.GetProperty("gc")), Is.EquivalentTo(new[] { "gen0", "gen1", "gen2" }));
        });
    }

    [CancelAfter(10_000)]
    [Test]
    public void Serialize_SoakReport_HasExactlyTheDocumentedFields()
    {
        var soak = new SoakVerdict { Passed = true };
        using JsonDocument json = JsonDocument.Parse(ReportFiles.Serialize(LabReport.From("soak", SyntheticRun(), ["soak.png"], soak)));
        JsonElement root = json.RootElement;

        // The README's "Lab reports" table, field by field: a rename or removal breaks perf labs' collectors.
        Assert.Multiple(() =>
        {
            Assert.That(PropertyNames(root), Is.EquivalentTo(new[]
            {
                "schema", "command", "timestampUtc", "machine", "source", "topology", "waitStrategy", "stageThreads", "offeredRate", "symbols", "seed",
                "durationSeconds", "elapsedSeconds", "interrupted", "warmupSeconds", "steadyStateSeconds", "offered", "events", "eventsPerSecond", "latencyNs", "gc",
                "allocatedBytes", "lost", "duplicated", "reordered", "corrupted", "verified", "late", "dropped", "rejected",
                "windowsEmitted", "windowSamples", "intervals", "soak", "outputHash", "files",
            }));
            Assert.That(PropertyNames(root.GetProperty("latencyNs")), Is.EquivalentTo(new[] { "p50", "p90", "p99", "p999", "p9999", "max", "mean", "count" }));
            Assert.That(PropertyNames(root.GetProperty("machine")), Is.EquivalentTo(new[] { "cpu", "cores", "os", "runtime", "memoryBytes" }));
            Assert.That(PropertyNames(root.GetProperty("intervals")[0]), Is.EquivalentTo(new[]
            {
                "t", "warmup", "eventsPerSecond", "lag", "latencyNs", "rssBytes", "gcHeapBytes", "gc", "allocatedBytesPerSecond", "threads", "handles",
            }));
            Assert.That(PropertyNames(root.GetProperty("soak")), Is.EquivalentTo(new[]
            {
                "rssSlopeBytesPerSecond", "heapSlopeBytesPerSecond", "firstIntervalP999Ns", "lastIntervalP999Ns", "gen2Growth",
                "threadsFirst", "threadsLast", "handlesFirst", "handlesLast", "tieredCompilation", "passed", "failures",
            }));
            Assert.That(root.GetProperty("schema").GetInt32(), Is.EqualTo(1));
        });
    }

    [CancelAfter(10_000)]
    [Test]
    public void From_RunResult_MapsEachFigureToItsField()
    {
        using JsonDocument json = JsonDocument.Parse(ReportFiles.Serialize(LabReport.From("soak", SyntheticRun())));
        JsonElement root = json.RootElement;

        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("command").GetString(), Is.EqualTo("soak"));
            Assert.That(root.GetProperty("events").GetInt64(), Is.EqualTo(123_456));
            Assert.That(root.GetProperty("eventsPerSecond").GetDouble(), Is.EqualTo(50_000));
            Assert.That(root.GetProperty("allocatedBytes").GetInt64(), Is.EqualTo(4_096));
            Assert.That(root.GetProperty("gc").GetProperty("gen0").GetInt32(), Is.EqualTo(1));
            Assert.That(root.GetProperty("gc").GetProperty("gen2").GetInt32(), Is.EqualTo(3));
            Assert.That(root.GetProperty("lost").GetInt64(), Is.EqualTo(5));
            Assert.That(root.GetProperty("duplicated").GetInt64(), Is.EqualTo(6));
            Assert.That(root.GetProperty("reordered").GetInt64(), Is.EqualTo(7));
            Assert.That(root.GetProperty("dropped").GetInt64(), Is.EqualTo(8));
            Assert.That(root.GetProperty("late").GetInt64(), Is.EqualTo(9));
            Assert.That(root.GetProperty("windowsEmitted").GetInt64(), Is.EqualTo(11));
            Assert.That(root.GetProperty("latencyNs").GetProperty("max").GetInt64(), Is.InRange(999_000, 1_001_000));
            Assert.That(root.GetProperty("latencyNs").GetProperty("p50").GetInt64(), Is.InRange(499_000, 501_000));
            Assert.That(root.GetProperty("intervals")[0].GetProperty("latencyNs").GetProperty("p99").GetInt64(), Is.EqualTo(7));
            Assert.That(root.TryGetProperty("soak", out _), Is.False, "soak verdict is omitted when absent");
        });
    }

    private static List<string> PropertyNames(JsonElement element)
    {
        var names = new List<string>();
        foreach (JsonProperty property in element.EnumerateObject())
        {
            names.Add(property.Name);
        }

        return names;
    }
}

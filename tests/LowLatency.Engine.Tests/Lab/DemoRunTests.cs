using System.Text.Json;
using LowLatency.Engine.Pipelines;
using LowLatency.Lab.Commands;
using LowLatency.Lab.Demo;
using LowLatency.Lab.Feed;
using LowLatency.Lab.Latency;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Lab;

/// <summary>
/// The demo end to end, for about two seconds at a modest rate with a waiting (not spinning) strategy:
/// the shared 2-core machine must stay usable. Figures are not asserted; conservation is.
/// </summary>
public sealed class DemoRunTests
{
    private static RunSpec ShortRun(Topology topology, ulong seed) => new()
    {
        Feed = FeedSettings.Default with { Rate = 100_000, Symbols = 500, Seed = seed },
        Topology = topology,
        Duration = TimeSpan.FromSeconds(2),
        Warmup = TimeSpan.FromSeconds(0.5),
        Interval = TimeSpan.FromSeconds(0.5),
        WaitStrategy = WaitStrategyKind.Hybrid,
        Capacity = 4_096,
    };

    [CancelAfter(60_000)]
    [Test]
    public void Demo_TwoSecondRun_VerifiesNothingLostAndWritesTheJsonReport()
    {
        const ulong seed = 7;
        string json = Path.Combine(Path.GetTempPath(), $"lowlatency-demo-{Guid.NewGuid():N}.json");
        var console = new StringWriter();
        try
        {
            int exit = DemoCommand.Run(ShortRun(Topology.Demo, seed), json, console);

            using JsonDocument report = JsonDocument.Parse(File.ReadAllText(json));
            JsonElement root = report.RootElement;
            Assert.Multiple(() =>
            {
                Assert.That(exit, Is.Zero, $"seed {seed}\n{console}");
                Assert.That(root.GetProperty("lost").GetInt64(), Is.Zero, $"seed {seed}");
                Assert.That(root.GetProperty("duplicated").GetInt64(), Is.Zero, $"seed {seed}");
                Assert.That(root.GetProperty("reordered").GetInt64(), Is.Zero, $"seed {seed}");
                Assert.That(root.GetProperty("verified").GetBoolean(), Is.True, $"seed {seed}");
                Assert.That(root.GetProperty("events").GetInt64(), Is.GreaterThan(100_000), $"seed {seed}");
                Assert.That(root.GetProperty("windowsEmitted").GetInt64(), Is.Positive, $"seed {seed}");
                Assert.That(root.GetProperty("late").GetInt64(), Is.Positive, $"seed {seed}: the feed sends a share of late ticks");
                Assert.That(root.GetProperty("latencyNs").GetProperty("p50").GetInt64(), Is.Positive, $"seed {seed}");
                Assert.That(console.ToString(), Does.Contain("lost 0 | duplicated 0 | reordered 0"));
            });
        }
        finally
        {
            File.Delete(json);
        }
    }

    [TestCase("OneHop")]
    [TestCase("Diamond")]
    [CancelAfter(60_000)]
    public void Execute_LatencyTopology_EveryEventReachesTheSinkOnceInOrder(string topology)
    {
        const ulong seed = 11;

        RunResult run = LabRun.Execute(ShortRun(Enum.Parse<Topology>(topology), seed));

        Assert.Multiple(() =>
        {
            Assert.That(run.Verification.IsClean, Is.True, $"seed {seed}: {run.Verification}");
            Assert.That(run.Verification.Seen, Is.EqualTo(run.Events), $"seed {seed}");
            Assert.That(run.Latency.TotalCount, Is.Positive);
            Assert.That(run.Intervals, Is.Not.Empty);
        });
    }

    [CancelAfter(60_000)]
    [Test]
    public void Execute_LossyFeedIntoTinyRing_DropsAreCountedAndNothingPublishedIsLost()
    {
        const ulong seed = 13;
        RunSpec spec = ShortRun(Topology.OneHop, seed) with
        {
            Feed = FeedSettings.Default with { Rate = 50_000_000, Symbols = 100, Seed = seed, DropWhenFull = true, MaxBatch = 16 },
            Capacity = 16,
            Duration = TimeSpan.FromSeconds(1),
            Warmup = TimeSpan.FromSeconds(0.2),
        };

        RunResult run = LabRun.Execute(spec);

        Assert.Multiple(() =>
        {
            Assert.That(run.Dropped, Is.Positive, $"seed {seed}: 50 M/s into 16 slots must overflow");
            Assert.That(run.Events + run.Dropped, Is.EqualTo(run.Offered), $"seed {seed}: every offered event is published or counted as dropped");
            Assert.That(run.Verification.IsClean, Is.True, $"seed {seed}: {run.Verification}");
            Assert.That(run.Verification.Seen, Is.EqualTo(run.Events), $"seed {seed}");
        });
    }
}

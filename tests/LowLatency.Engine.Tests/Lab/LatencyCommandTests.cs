using System.Text.Json;
using LowLatency.Engine.Pipelines;
using LowLatency.Lab.Commands;
using LowLatency.Lab.Demo;
using LowLatency.Lab.Feed;
using LowLatency.Lab.Latency;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Lab;

public sealed class LatencyCommandTests
{
    [CancelAfter(60_000)]
    [Test]
    public void Run_ShortPipeline3_WritesHgrmPngAndJson()
    {
        const ulong seed = 17;
        var directory = new DirectoryInfo(Path.Combine(Path.GetTempPath(), $"lowlatency-latency-{Guid.NewGuid():N}"));
        string json = Path.Combine(directory.FullName, "latency.json");
        var console = new StringWriter();
        var spec = new RunSpec
        {
            Feed = FeedSettings.Default with { Rate = 50_000, Symbols = 100, Seed = seed },
            Topology = Topology.Pipeline3,
            Duration = TimeSpan.FromSeconds(1.5),
            Warmup = TimeSpan.FromSeconds(0.5),
            Interval = TimeSpan.FromSeconds(0.5),
            WaitStrategy = WaitStrategyKind.Hybrid,
            Capacity = 1_024,
        };
        try
        {
            int exit = LatencyCommand.Run(spec, directory, json, console);

            string hgrm = Path.Combine(directory.FullName, "latency-pipeline3-50000-hybrid.hgrm");
            string png = Path.Combine(directory.FullName, "latency-pipeline3-50000-hybrid.png");
            using JsonDocument report = JsonDocument.Parse(File.ReadAllText(json));
            Assert.Multiple(() =>
            {
                Assert.That(exit, Is.Zero, $"seed {seed}\n{console}");
                Assert.That(File.ReadAllText(hgrm), Does.Contain("Percentile").And.Contain("#[Max"));
                Assert.That(File.ReadAllBytes(png).AsSpan(0, 8).ToArray(), Is.EqualTo(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }), "a PNG file");
                Assert.That(report.RootElement.GetProperty("topology").GetString(), Is.EqualTo("pipeline3"));
                Assert.That(report.RootElement.GetProperty("lost").GetInt64(), Is.Zero, $"seed {seed}");
                Assert.That(console.ToString(), Does.Contain("99.9%"));
            });
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}

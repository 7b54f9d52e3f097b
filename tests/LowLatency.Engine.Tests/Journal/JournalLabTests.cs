using System.Text.Json;
using LowLatency.Engine.Tests.Lab;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Journal;

/// <summary>The lab's flight recorder end to end (the demo topology, recorded with either stage layout, replayed with the default one), through the CLI other tools call: <c>demo --journal DIR</c>, then <c>replay DIR</c> and <c>journal inspect DIR</c>.</summary>
[NonParallelizable]
public sealed class JournalLabTests
{
    private static async Task<(int Exit, JsonElement Report, string Output)> RunAsync(string directory, string json, params string[] arguments)
    {
        using LabProcess lab = LabProcess.Start(directory, [.. arguments, "--json", json]);
        int exit = await lab.WaitForExitAsync(TimeSpan.FromSeconds(90));
        string output = lab.Stdout + lab.Stderr;
        Assert.That(File.Exists(json), Is.True, output);
        using JsonDocument report = JsonDocument.Parse(File.ReadAllText(json));
        return (exit, report.RootElement.Clone(), output);
    }

    /// <summary>The reports leave null fields out.</summary>
    private static bool Absent(JsonElement report, string name) =>
        !report.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null;

    [TestCase("per-stage")]
    [TestCase("grouped")]
    [CancelAfter(240_000)]
    public async Task DemoJournal_ThenReplay_SameOutputHash_AtMaxSpeedAndPaced(string layout)
    {
        using var temp = new TempJournal();
        string journal = Path.Combine(temp.Directory, "journal");
        (int demoExit, JsonElement demo, string demoOutput) = await RunAsync(temp.Directory, Path.Combine(temp.Directory, "demo.json"),
            "demo", "--journal", journal, "--duration", "2", "--warmup", "0.5", "--rate", "100000", "--symbols", "500",
            "--wait-strategy", "Hybrid", "--capacity", "4096", "--layout", layout, "--seed", "5");
        Assert.That(demoExit, Is.Zero, demoOutput);
        string recorded = demo.GetProperty("outputHash").GetString()!;
        long events = demo.GetProperty("events").GetInt64();
        Assert.That(events, Is.GreaterThan(100_000), demoOutput);

        foreach (string speed in new[] { "max", "4x" })
        {
            (int exit, JsonElement replay, string output) = await RunAsync(temp.Directory, Path.Combine(temp.Directory, $"replay-{speed}.json"),
                "replay", journal, "--speed", speed);
            Assert.That(exit, Is.Zero, output);
            Assert.That(replay.GetProperty("outputHash").GetString(), Is.EqualTo(recorded), $"--speed {speed}: {output}");
            Assert.That(replay.GetProperty("recordedOutputHash").GetString(), Is.EqualTo(recorded));
            Assert.That(replay.GetProperty("identical").GetBoolean(), Is.True);
            Assert.That(replay.GetProperty("events").GetInt64(), Is.EqualTo(events), "every recorded tick replayed");
        }

        // A range is replayed exactly, and reported as not comparable with the whole run.
        (int rangeExit, JsonElement range, string rangeOutput) = await RunAsync(temp.Directory, Path.Combine(temp.Directory, "range.json"),
            "replay", journal, "--from", "1000", "--to", "50999");
        Assert.That(rangeExit, Is.Zero, rangeOutput);
        Assert.That((range.GetProperty("fromPosition").GetInt64(), range.GetProperty("toPosition").GetInt64(), range.GetProperty("events").GetInt64()), Is.EqualTo((1_000L, 50_999L, 50_000L)));
        Assert.That(Absent(range, "identical"), Is.True, rangeOutput);

        (int inspectExit, JsonElement inspection, string inspectOutput) = await RunAsync(temp.Directory, Path.Combine(temp.Directory, "inspect.json"),
            "journal", "inspect", journal);
        Assert.That(inspectExit, Is.Zero, inspectOutput);
        Assert.That(inspection.GetProperty("events").GetInt64(), Is.EqualTo(events));
        Assert.That(Absent(inspection, "damage"), Is.True, inspectOutput);
    }

    [Test]
    [CancelAfter(240_000)]
    public async Task DemoJournal_Lz4Compressed_ReplaySameOutputHash_InspectShowsRatio()
    {
        using var temp = new TempJournal();
        string journal = Path.Combine(temp.Directory, "journal");
        (int demoExit, JsonElement demo, string demoOutput) = await RunAsync(temp.Directory, Path.Combine(temp.Directory, "demo.json"),
            "demo", "--journal", journal, "--journal-compress", "lz4", "--journal-segment-bytes", "1048576", "--duration", "2", "--warmup", "0.5",
            "--rate", "100000", "--symbols", "500", "--wait-strategy", "Hybrid", "--capacity", "4096", "--seed", "5");
        Assert.That(demoExit, Is.Zero, demoOutput);
        string recorded = demo.GetProperty("outputHash").GetString()!;
        long events = demo.GetProperty("events").GetInt64();

        (int inspectExit, JsonElement inspection, string inspectOutput) = await RunAsync(temp.Directory, Path.Combine(temp.Directory, "inspect.json"),
            "journal", "inspect", journal);
        Assert.That(inspectExit, Is.Zero, inspectOutput);
        int segments = inspection.GetProperty("segments").GetArrayLength();
        Assert.That(segments, Is.GreaterThan(3), inspectOutput);
        Assert.That(inspection.GetProperty("compressedSegments").GetInt32(), Is.EqualTo(segments - 1), "every sealed segment compressed: " + inspectOutput);
        Assert.That(inspection.GetProperty("compressionRatio").GetDouble(), Is.GreaterThan(1.0), inspectOutput);
        Assert.That(inspection.GetProperty("events").GetInt64(), Is.EqualTo(events));
        Assert.That(inspectOutput, Does.Contain("lz4 (raw ").And.Contain("compressed     "));

        (int exit, JsonElement replay, string output) = await RunAsync(temp.Directory, Path.Combine(temp.Directory, "replay.json"), "replay", journal);
        Assert.That(exit, Is.Zero, output);
        Assert.That(replay.GetProperty("outputHash").GetString(), Is.EqualTo(recorded), output);
        Assert.That(replay.GetProperty("identical").GetBoolean(), Is.True);
        Assert.That(replay.GetProperty("events").GetInt64(), Is.EqualTo(events), "every recorded tick replayed");
    }
}

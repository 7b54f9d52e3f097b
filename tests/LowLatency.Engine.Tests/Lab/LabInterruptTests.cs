using System.Diagnostics;
using System.Text.Json;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Lab;

/// <summary>
/// Ctrl+C (SIGINT) mid-run of every lab command, in a child process: the command stops, prints what it has
/// and writes its JSON report marked <c>interrupted: true</c> with the time it actually ran.
/// </summary>
[NonParallelizable]
public sealed class LabInterruptTests
{
    /// <summary>From SIGINT to the line saying the run was interrupted: the 2 s promised, plus slack for a busy 2-core box.</summary>
    private static readonly TimeSpan StopBound = TimeSpan.FromSeconds(2) + TimeSpan.FromSeconds(3);

    /// <summary>From SIGINT to the exit: the reports after the stop (a first PNG render JITs the plotting library, seconds under load).</summary>
    private static readonly TimeSpan ExitBound = TimeSpan.FromSeconds(60);

    private string _scratch = null!;

    [SetUp]
    public void CreateScratch()
    {
        _scratch = Path.Combine(Path.GetTempPath(), $"lowlatency-interrupt-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_scratch);
    }

    [TearDown]
    public void DeleteScratch() => Directory.Delete(_scratch, recursive: true);

    [CancelAfter(120_000)]
    [TestCase("latency", "warm-up |")]
    [TestCase("soak", "warm-up")]
    public async Task RunCommand_CtrlCMidRun_StopsAndWritesInterruptedReport(string command, string running)
    {
        string json = Path.Combine(_scratch, "report.json");
        using LabProcess lab = LabProcess.Start(
            _scratch, command, "--duration", "120", "--rate", "50000", "--symbols", "100", "--interval", "0.5",
            "--wait-strategy", "Blocking", "--out", "out", "--json", json);
        await InterruptWhenRunning(lab, running);

        using JsonDocument report = JsonDocument.Parse(File.ReadAllText(json));
        AssertInterrupted(report.RootElement, requestedSeconds: 120, lab);
        Assert.That(lab.Stdout, Does.Contain("interrupted"));
    }

    [CancelAfter(120_000)]
    [Test]
    public async Task Demo_CtrlCMidRun_StopsVerifiesAndWritesInterruptedReport()
    {
        string json = Path.Combine(_scratch, "demo.json");
        using LabProcess lab = LabProcess.Start(
            _scratch, "demo", "--duration", "120", "--rate", "50000", "--symbols", "100", "--interval", "0.5", "--wait-strategy", "Blocking", "--json", json);

        int exit = await InterruptWhenRunning(lab, "warm-up |");

        using JsonDocument report = JsonDocument.Parse(File.ReadAllText(json));
        AssertInterrupted(report.RootElement, requestedSeconds: 120, lab);
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.Zero, "drained and verified: " + lab.Stdout);
            Assert.That(report.RootElement.GetProperty("lost").GetInt64(), Is.Zero);
            Assert.That(report.RootElement.GetProperty("events").GetInt64(), Is.Positive);
            Assert.That(lab.Stdout, Does.Contain("interrupted    Ctrl+C after"));
        });
    }

    [CancelAfter(120_000)]
    [Test]
    public async Task Bench_CtrlCMidRun_PrintsAndWritesTheScenariosMeasured()
    {
        string json = Path.Combine(_scratch, "bench.json");
        using LabProcess lab = LabProcess.Start(_scratch, "bench", "--quick", "--json", json);

        // The first scenario has been measured once the second starts.
        await InterruptWhenRunning(lab, "running engine-1p1c-yielding-batch");

        using JsonDocument report = JsonDocument.Parse(File.ReadAllText(json));
        JsonElement root = report.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("interrupted").GetBoolean(), Is.True);
            Assert.That(root.GetProperty("results").GetArrayLength(), Is.InRange(1, 3), "the scenarios measured before Ctrl+C");
            Assert.That(root.GetProperty("results")[0].GetProperty("name").GetString(), Is.EqualTo("engine-1p1c-yielding-event"));
            Assert.That(lab.Stdout, Does.Contain("interrupted: Ctrl+C after"));
        });
    }

    [CancelAfter(120_000)]
    [Test]
    public async Task PingPong_CtrlCMidRun_PrintsAndWritesTheRoundTripsRecorded()
    {
        string json = Path.Combine(_scratch, "pingpong.json");
        // A Blocking echo stage and a 200 µs pause between pings: the run is long and keeps the box usable.
        using LabProcess lab = LabProcess.Start(_scratch, "pingpong", "--wait-strategy", "Blocking", "--interval-us", "200", "--count", "100000000", "--json", json);

        await InterruptWhenRunning(lab, "Ctrl+C to stop");

        using JsonDocument report = JsonDocument.Parse(File.ReadAllText(json));
        JsonElement root = report.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("interrupted").GetBoolean(), Is.True);
            Assert.That(root.GetProperty("recorded").GetInt64(), Is.LessThan(100_000_000));
            Assert.That(root.GetProperty("rounds").GetInt64(), Is.EqualTo(100_000_000));
            Assert.That(lab.Stdout, Does.Contain("interrupted: Ctrl+C after"));
        });
    }

    [CancelAfter(120_000)]
    [Test]
    public async Task FeedAndDemoListen_CtrlCMidRun_BothStopAndWriteInterruptedReports()
    {
        string demoJson = Path.Combine(_scratch, "demo.json");
        string feedJson = Path.Combine(_scratch, "feed.json");
        using LabProcess demo = LabProcess.Start(
            _scratch, "demo", "--listen", "127.0.0.1:0", "--duration", "120", "--symbols", "64", "--interval", "0.5", "--wait-strategy", "Blocking", "--json", demoJson);
        string listening = await demo.LineContaining("listening on ").WaitAsync(TimeSpan.FromSeconds(60));
        string endpoint = listening.Split("listening on ")[1].Split(':', 2) is [string host, string rest] ? $"{host}:{rest.Split(':')[0]}" : throw new FormatException(listening);

        using LabProcess feed = LabProcess.Start(_scratch, "feed", "--connect", endpoint, "--rate", "20000", "--json", feedJson);
        await feed.LineContaining("published").WaitAsync(TimeSpan.FromSeconds(60));
        await InterruptWhenRunning(feed, "published", saysInterrupted: false);
        await InterruptWhenRunning(demo, "steady");

        using JsonDocument feedReport = JsonDocument.Parse(File.ReadAllText(feedJson));
        using JsonDocument demoReport = JsonDocument.Parse(File.ReadAllText(demoJson));
        Assert.Multiple(() =>
        {
            Assert.That(feedReport.RootElement.GetProperty("interrupted").GetBoolean(), Is.True);
            Assert.That(feedReport.RootElement.GetProperty("published").GetInt64(), Is.Positive);
            Assert.That(feedReport.RootElement.GetProperty("elapsedSeconds").GetDouble(), Is.LessThan(120));
            Assert.That(demoReport.RootElement.GetProperty("source").GetString(), Is.EqualTo("tcp"));
        });
        AssertInterrupted(demoReport.RootElement, requestedSeconds: 120, demo);
    }

    [CancelAfter(120_000)]
    [Test]
    public async Task Replay_CtrlCMidRun_StopsAndWritesInterruptedReport()
    {
        string journal = Path.Combine(_scratch, "journal");
        using (LabProcess record = LabProcess.Start(
            _scratch, "demo", "--journal", journal, "--duration", "2", "--warmup", "1", "--rate", "50000", "--symbols", "16", "--wait-strategy", "Blocking"))
        {
            Assert.That(await record.WaitForExitAsync(TimeSpan.FromSeconds(60)), Is.Zero, record.Stdout + record.Stderr);
        }

        // A hundredth of the recorded pace: some 200 s of replay, stopped a moment after it starts.
        string json = Path.Combine(_scratch, "replay.json");
        using LabProcess lab = LabProcess.Start(_scratch, "replay", journal, "--speed", "0.01x", "--json", json);
        int exit = await InterruptWhenRunning(lab, "LowLatency replay:");

        using JsonDocument report = JsonDocument.Parse(File.ReadAllText(json));
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.Zero, "an interrupted replay is not a different one: " + lab.Stdout);
            Assert.That(report.RootElement.GetProperty("interrupted").GetBoolean(), Is.True);
            Assert.That(report.RootElement.TryGetProperty("identical", out _), Is.False, "nothing to compare");
            Assert.That(report.RootElement.GetProperty("elapsedSeconds").GetDouble(), Is.Positive.And.LessThan(60));
            Assert.That(lab.Stdout, Does.Contain("(interrupted: not comparable)"));
        });
    }

    /// <summary>
    /// Waits for <paramref name="running"/> in the output, sends SIGINT, checks the run says it was interrupted
    /// within <see cref="StopBound"/> (feed, which has no such line, must exit within it), and returns the exit code.
    /// </summary>
    private static async Task<int> InterruptWhenRunning(LabProcess lab, string running, bool saysInterrupted = true)
    {
        await lab.LineContaining(running).WaitAsync(TimeSpan.FromSeconds(60));
        var clock = Stopwatch.StartNew();
        lab.Interrupt();
        if (saysInterrupted)
        {
            await lab.LineContaining("interrupted").WaitAsync(StopBound);
            TestContext.Out.WriteLine($"stopped {clock.Elapsed.TotalSeconds:F2} s after SIGINT");
        }

        int exit = await lab.WaitForExitAsync(saysInterrupted ? ExitBound : StopBound);
        TestContext.Out.WriteLine($"exit {exit} {clock.Elapsed.TotalSeconds:F2} s after SIGINT");
        return exit;
    }

    private static void AssertInterrupted(JsonElement report, double requestedSeconds, LabProcess lab)
    {
        Assert.Multiple(() =>
        {
            Assert.That(report.GetProperty("interrupted").GetBoolean(), Is.True, lab.Stdout);
            Assert.That(report.GetProperty("durationSeconds").GetDouble(), Is.EqualTo(requestedSeconds), "the requested duration, as before");
            Assert.That(report.GetProperty("elapsedSeconds").GetDouble(), Is.Positive.And.LessThan(requestedSeconds / 2), "the time it actually ran");
        });
    }
}

using System.Diagnostics;
using System.Text.Json;
using LowLatency.Testing.Kafka;
using NUnit.Framework;

namespace LowLatency.Adapters.Tests.Kafka;

/// <summary>
/// <c>lowlatency demo --kafka</c> and <c>kafka-worker</c> as a user runs them, in a child process: every row of
/// issue 14's table ends in one clear line within a bound, exit codes as documented (2 usage, 4 unreachable).
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class KafkaLabTests
{
    /// <summary>Process start-up (~1 s), the 2 s broker timeout, and slack for a loaded 2-core box.</summary>
    private static readonly TimeSpan s_unreachableBound = TimeSpan.FromSeconds(15);

    private string _scratch = null!;

    [SetUp]
    public void CreateScratch()
    {
        _scratch = Path.Combine(Path.GetTempPath(), $"lowlatency-kafka-lab-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_scratch);
    }

    [TearDown]
    public void DeleteScratch() => Directory.Delete(_scratch, recursive: true);

    [TestCase("127.0.0.1:1")]
    [TestCase("no-such-host.invalid:9092")]
    [CancelAfter(60_000)]
    public async Task Demo_UnreachableBootstrap_OneLineExit4WithinBound(string bootstrap, CancellationToken cancellationToken)
    {
        (int exit, string output, TimeSpan elapsed) = await Run(cancellationToken, "demo", "--kafka", "--bootstrap", bootstrap, "--broker-timeout", "2");
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(4), output);
            Assert.That(elapsed, Is.LessThan(s_unreachableBound), output);
            Assert.That(ErrorLines(output), Is.EqualTo(new[] { $"lowlatency: Kafka at {bootstrap}: no broker answered within 2 s (Local: Broker transport failure)." }), output);
            Assert.That(output, Does.Not.Contain("   at "), "no stack trace");
        });
    }

    [TestCase("demo --kafka --bootstrap", "not a host:xyz", "--bootstrap")]
    [TestCase("demo --kafka --symbols", "0", "--symbols")]
    [TestCase("demo --kafka --duration", "0", "--duration")]
    [TestCase("demo --kafka --session-timeout", "0", "--session-timeout")]
    [TestCase("demo --kafka --broker-timeout", "-1", "--broker-timeout")]
    [TestCase("demo --hold", null, "--hold")]
    [TestCase("demo --kafka --workers", "17", "--workers")]
    [TestCase("demo --kafka --exactly-once", null, "--workers")]
    [TestCase("demo --kafka --chaos", null, "--workers")]
    [TestCase("demo --exactly-once", null, "--exactly-once")]
    [TestCase("kafka-worker --bootstrap x:1 --chaos-kill", "nowhere:1", "--chaos-kill")]
    [TestCase("kafka-worker --bootstrap x:1 --state", "s", "--state")]
    [TestCase("kafka-worker --bootstrap x:1 --window", "0", "--window")]
    [TestCase("kafka-worker --bootstrap x:1 --group", "", "--group")]
    [CancelAfter(60_000)]
    public async Task BadOption_OneLineNamingItExit2(string command, string? value, string option, CancellationToken cancellationToken)
    {
        string[] arguments = [.. command.Split(' '), .. value is null ? Array.Empty<string>() : [value]];
        (int exit, string output, _) = await Run(cancellationToken, arguments);
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(2), output);
            Assert.That(output.Trim().Split('\n'), Has.Length.EqualTo(1), output);
            Assert.That(output, Does.StartWith("lowlatency: ").And.Contain(option));
        });
    }

    [Test]
    [CancelAfter(180_000)]
    public async Task Demo_ThreeWorkersExactlyOnceWithChaosTenSeconds_RestartsAndReportsLostAndDuplicatedZero(CancellationToken cancellationToken)
    {
        string json = Path.Combine(_scratch, "fleet.json");
        (int exit, string output, _) = await Run(cancellationToken, "demo", "--kafka", "--workers", "3", "--exactly-once", "--chaos", "--duration", "10",
            "--rate", "20000", "--symbols", "50", "--session-timeout", "1.5", "--json", json);
        TestContext.Out.WriteLine(output);
        using JsonDocument report = JsonDocument.Parse(File.ReadAllText(json));
        JsonElement root = report.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.Zero, output);
            Assert.That(root.GetProperty("workers").GetInt32(), Is.EqualTo(3));
            Assert.That(root.GetProperty("exactlyOnce").GetBoolean(), Is.True);
            Assert.That(root.GetProperty("restarts").GetInt32(), Is.GreaterThanOrEqualTo(1), "a 10 s run with --chaos sees at least one restart");
            Assert.That(root.GetProperty("sigKills").GetInt32(), Is.GreaterThanOrEqualTo(1));
            Assert.That(root.GetProperty("verified").GetBoolean(), Is.True);
            Assert.That(root.GetProperty("lost").GetInt64(), Is.Zero);
            Assert.That(root.GetProperty("duplicated").GetInt64(), Is.Zero);
            Assert.That(root.GetProperty("inconsistent").GetInt64(), Is.Zero);
            Assert.That(root.GetProperty("commitMaxMs").GetDouble(), Is.GreaterThan(0));
        });
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task Demo_TwoWorkersAtLeastOnce_WorkersStartAndLoseNothing(CancellationToken cancellationToken)
    {
        // The fleet once gave every worker a transactional id, which a worker refuses without --exactly-once: each
        // one exited 2 at start, restarted once a second, and the run reported the ticks lost.
        string json = Path.Combine(_scratch, "fleet-alo.json");
        (int exit, string output, _) = await Run(cancellationToken, "demo", "--kafka", "--workers", "2", "--duration", "3",
            "--rate", "20000", "--symbols", "50", "--session-timeout", "1.5", "--json", json);
        TestContext.Out.WriteLine(output);
        using JsonDocument report = JsonDocument.Parse(File.ReadAllText(json));
        JsonElement root = report.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.Zero, output);
            Assert.That(output, Does.Not.Contain("exited 2"));
            Assert.That(root.GetProperty("workerFailures").GetInt32(), Is.Zero);
            Assert.That(root.GetProperty("restarts").GetInt32(), Is.Zero, "no chaos: no worker needed a restart");
            Assert.That(root.GetProperty("verified").GetBoolean(), Is.True);
            Assert.That(root.GetProperty("lost").GetInt64(), Is.Zero);
        });
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task Demo_HonoursDurationRateSymbolsAndJson(CancellationToken cancellationToken)
    {
        string json = Path.Combine(_scratch, "kafka.json");
        (int exit, string output, _) = await Run(cancellationToken, "demo", "--kafka", "--duration", "2", "--rate", "20000", "--symbols", "50", "--json", json);
        using JsonDocument report = JsonDocument.Parse(File.ReadAllText(json));
        JsonElement root = report.RootElement;
        long fed = root.GetProperty("fed").GetInt64();
        TestContext.Out.WriteLine(output);
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.Zero, output);
            Assert.That(root.GetProperty("mode").GetString(), Is.EqualTo("kafka"));
            Assert.That(root.GetProperty("symbols").GetInt32(), Is.EqualTo(50));
            Assert.That(root.GetProperty("offeredRate").GetInt64(), Is.EqualTo(20_000));
            Assert.That(fed % 50, Is.Zero, "whole rounds of every symbol");
            // Paced at 20 000/s for 2 s: about 40 000 (10 % allowance for timer granularity), never the unpaced
            // flood of several hundred thousand.
            Assert.That(fed, Is.InRange(5_000, 44_000), "the rate and duration were honoured");
            Assert.That(root.GetProperty("verified").GetBoolean(), Is.True);
            Assert.That(root.GetProperty("lost").GetInt64(), Is.Zero);
            Assert.That(root.GetProperty("duplicated").GetInt64(), Is.Zero);
            Assert.That(root.GetProperty("consumed").GetInt64(), Is.EqualTo(fed));
            Assert.That(root.GetProperty("malformedUndecodable").GetInt64(), Is.Zero);
        });
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task Demo_CtrlCMidRunAndHold_EachStopsWithinTwoSeconds(CancellationToken cancellationToken)
    {
        // Mid-run: a 120 s run interrupted once it feeds.
        string json = Path.Combine(_scratch, "interrupted.json");
        using (LabWorkerProcess lab = LabWorkerProcess.StartLab("demo", "--kafka", "--duration", "120", "--rate", "20000", "--symbols", "50", "--json", json))
        {
            await WaitForOutput(lab, "  fed ", cancellationToken);
            TimeSpan stopped = await InterruptAndTime(lab, cancellationToken);
            using JsonDocument report = JsonDocument.Parse(File.ReadAllText(json));
            Assert.Multiple(() =>
            {
                Assert.That(stopped, Is.LessThan(TimeSpan.FromSeconds(2) + TimeSpan.FromSeconds(2)), "2 s budget plus process exit on a busy box: " + lab.Output);
                Assert.That(report.RootElement.GetProperty("interrupted").GetBoolean(), Is.True);
                Assert.That(report.RootElement.GetProperty("elapsedSeconds").GetDouble(), Is.LessThan(60));
            });
        }

        // --hold: the cluster stays up after the run (kcat could attach) until Ctrl+C.
        using (LabWorkerProcess lab = LabWorkerProcess.StartLab("demo", "--kafka", "--hold", "--duration", "1", "--rate", "5000", "--symbols", "10"))
        {
            await WaitForOutput(lab, "holding the embedded cluster at ", cancellationToken);
            string line = lab.Output.Split('\n').First(l => l.StartsWith("holding", StringComparison.Ordinal));
            string bootstrap = line["holding the embedded cluster at ".Length..].Split(' ')[0];
            string topic = line[(line.IndexOf("topics ", StringComparison.Ordinal) + "topics ".Length)..].Split(',')[0];
            long ticks = 0;
            LowLatency.Testing.Kafka.TopicReader.ReadToEnd(bootstrap, topic, 4, TimeSpan.FromSeconds(15), _ => ticks++);
            TimeSpan stopped = await InterruptAndTime(lab, cancellationToken);
            Assert.Multiple(() =>
            {
                Assert.That(ticks, Is.GreaterThan(0), "an outside client read the held cluster's ticks");
                Assert.That(stopped, Is.LessThan(TimeSpan.FromSeconds(4)), lab.Output);
            });
        }
    }

    /// <summary>Runs the lab to its exit, waiting at most 90 s; past that the test fails with what the lab printed.</summary>
    private static async Task<(int Exit, string Output, TimeSpan Elapsed)> Run(CancellationToken cancellationToken, params string[] arguments)
    {
        var clock = Stopwatch.StartNew();
        using LabWorkerProcess lab = LabWorkerProcess.StartLab(arguments);
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(TimeSpan.FromSeconds(90));
        try
        {
            int exit = await lab.WaitForExitAsync(bound.Token);
            return (exit, lab.Output, clock.Elapsed);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Assert.Fail($"lowlatency {string.Join(' ', arguments)} did not exit within 90 s; it printed:\n{lab.Output}");
            throw;
        }
    }

    private static string[] ErrorLines(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => l.StartsWith("lowlatency:", StringComparison.Ordinal)).ToArray();

    /// <summary>Polls the lab's output for <paramref name="text"/> for at most 60 s; past that the test fails with what the lab printed.</summary>
    private static async Task WaitForOutput(LabWorkerProcess lab, string text, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (!lab.Output.Contains(text, StringComparison.Ordinal))
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(60))
            {
                Assert.Fail($"the lab did not print '{text}' within 60 s; it printed:\n{lab.Output}");
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>Sends Ctrl+C and times the exit, waiting at most 30 s; past that the test fails with what the lab printed.</summary>
    private static async Task<TimeSpan> InterruptAndTime(LabWorkerProcess lab, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        lab.Interrupt();
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            await lab.WaitForExitAsync(bound.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Assert.Fail($"the lab did not exit within 30 s of Ctrl+C; it printed:\n{lab.Output}");
        }

        return clock.Elapsed;
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using LowLatency.Lab;
using LowLatency.Lab.Commands;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Lab;

/// <summary>
/// Every user error of the lab ends before any work with one line naming the option and exit code 2: no
/// help dump, no stack trace, nothing printed on stdout (every command prints its title when work starts),
/// no file or folder left behind.
/// </summary>
[NonParallelizable]
public sealed class LabUsageErrorTests
{
    private string _scratch = null!;

    [SetUp]
    public void CreateScratch()
    {
        _scratch = Path.Combine(Path.GetTempPath(), $"lowlatency-usage-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_scratch);
        File.WriteAllText(Path.Combine(_scratch, "a-file"), "x");
        Directory.CreateDirectory(Path.Combine(_scratch, "a-folder"));
    }

    [TearDown]
    public void DeleteScratch() => Directory.Delete(_scratch, recursive: true);

    // {0} is the scratch folder (holding a-file and a-folder); the last argument is what the line must name.
    [TestCase("--option-nobody-has", "--option-nobody-has")]
    [TestCase("demoo", "demoo")]
    [TestCase("demo --rate abc", "--rate")]
    [TestCase("demo --duration 0", "--duration")]
    [TestCase("demo --duration -1", "--duration")]
    [TestCase("demo --warmup 20 --duration 10", "--warmup")]
    [TestCase("demo --interval 0", "--interval")]
    [TestCase("demo --rate -5", "--rate")]
    [TestCase("demo --capacity 1000", "--capacity")]
    [TestCase("demo --symbols 0", "--symbols")]
    [TestCase("demo --wait-strategy Nope", "--wait-strategy")]
    [TestCase("demo --drop-when-full --rate 0", "--drop-when-full")]
    [TestCase("demo --listen nonsense", "--listen")]
    [TestCase("demo --listen 127.0.0.1:0 --drop-when-full", "--drop-when-full")]
    [TestCase("demo --bootstrap localhost:9092", "--bootstrap")]
    [TestCase("demo --kafka --listen 127.0.0.1:0", "--listen")]
    [TestCase("demo --token secret", "--token")]
    [TestCase("demo --kafka --token secret", "--token")]
    [TestCase("demo --journal {0}/j --journal-compress zstd", "--journal-compress")]
    [TestCase("demo --journal-compress lz4", "--journal-compress")]
    [TestCase("demo --journal {0}/j --journal-segment-bytes 1000", "--journal-segment-bytes")]
    [TestCase("demo --journal-segment-bytes 1048576", "--journal-segment-bytes")]
    [TestCase("demo --json {0}/missing/deeper/report.json", "--json")]
    [TestCase("demo --json {0}/a-folder", "--json")]
    [TestCase("demo --json {0}/a-file/report.json", "--json")]
    [TestCase("--duration 0", "--duration")]
    [TestCase("latency --topology Nope", "--topology")]
    [TestCase("latency --out {0}/a-file", "--out")]
    [TestCase("latency --out {0}/missing/deeper", "--out")]
    [TestCase("latency --json {0}/missing/deeper/l.json", "--json")]
    [TestCase("soak --max-rss-slope -1", "--max-rss-slope")]
    [TestCase("soak --max-heap-slope -1", "--max-heap-slope")]
    [TestCase("soak --p999-tolerance -0.1", "--p999-tolerance")]
    [TestCase("soak --out {0}/missing/deeper", "--out")]
    [TestCase("soak --json {0}/a-folder", "--json")]
    [TestCase("bench --scenario nope", "--scenario")]
    [TestCase("bench --json {0}/missing/deeper/b.json", "--json")]
    [TestCase("pingpong --interval-us -1", "--interval-us")]
    [TestCase("pingpong --count 0", "--count")]
    [TestCase("pingpong --wait-strategy Nope", "--wait-strategy")]
    [TestCase("pingpong --json {0}/missing/deeper/p.json", "--json")]
    [TestCase("feed", "--connect")]
    [TestCase("feed --connect nonsense", "--connect")]
    [TestCase("feed --connect 127.0.0.1:7400 --rate -1", "--rate")]
    [TestCase("feed --connect 127.0.0.1:7400 --count -1", "--count")]
    [TestCase("feed --connect 127.0.0.1:7400 --instruments 0", "--instruments")]
    [TestCase("feed --connect 127.0.0.1:7400 --json {0}/missing/deeper/f.json", "--json")]
    public void Lab_UserError_OneLineNamingTheOptionExit2BeforeAnyWork(string commandLine, string named)
    {
        string[] args = string.Format(System.Globalization.CultureInfo.InvariantCulture, commandLine, _scratch).Split(' ');
        string[] before = Snapshot();

        (int exit, string stdout, string stderr) = RunInProcess(args);

        string[] lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(RunGuard.InvalidOptions), stderr);
            Assert.That(lines, Has.Length.EqualTo(1), "one line, no help dump");
            Assert.That(lines.FirstOrDefault(), Does.StartWith("lowlatency: ").And.Contain(named));
            Assert.That(stderr, Does.Not.Contain("   at "), "no stack trace");
            Assert.That(stdout, Is.Empty, "nothing started");
            Assert.That(Snapshot(), Is.EqualTo(before), "no file or folder created");
        });
    }

    [Test]
    public void Bench_UnknownScenario_ListsTheValidNames()
    {
        (int exit, _, string stderr) = RunInProcess(["bench", "--scenario", "nope"]);

        Assert.That(exit, Is.EqualTo(RunGuard.InvalidOptions));
        Assert.That(stderr, Does.Contain("channel-async").And.Contain("engine-1p1c-yielding-event").And.Contain("tcp-ingest"));
    }

    [Test]
    public void Bench_ScenarioFilter_PartOfANameOrTheWholeNameWithEquals()
    {
        string[] Names(params string[] filters) => [.. BenchCommand.Select(filters).Select(s => s.Name)];

        Assert.Multiple(() =>
        {
            Assert.That(Names("demo-1m"), Does.Contain("demo-1m").And.Contain("demo-1m-journal"), "a part of a name matches every name containing it");
            Assert.That(Names("=demo-1m"), Is.EquivalentTo(new[] { "channel-async", "demo-1m" }), "=NAME is that scenario alone (and the baseline)");
            Assert.That(Names("=DEMO-1M", "=demo-max"), Is.EquivalentTo(new[] { "channel-async", "demo-1m", "demo-max" }));
            Assert.That(() => BenchCommand.Select(["=demo-1"]), Throws.TypeOf<UsageException>().With.Message.Contains("=demo-1"), "=NAME matches no part of a name");
        });
    }

    [Test]
    public void OutputPaths_MissingLastFolderOnly_CreatesItBeforeTheRun()
    {
        string folder = Path.Combine(_scratch, "created");

        string path = OutputPaths.CheckFile("--json", Path.Combine(folder, "r.json"));

        Assert.Multiple(() =>
        {
            Assert.That(Directory.Exists(folder), Is.True, "the last folder of the path is created");
            Assert.That(File.Exists(path), Is.False, "the probe leaves no empty report behind");
        });
    }

    [Test]
    public void OutputPaths_ExistingReport_KeptUntilTheRunReplacesIt()
    {
        string report = Path.Combine(_scratch, "old.json");
        File.WriteAllText(report, "{\"old\":true}");

        OutputPaths.CheckFile("--json", report);

        Assert.That(File.ReadAllText(report), Is.EqualTo("{\"old\":true}"));
    }

    [CancelAfter(30_000)]
    [Test]
    public void Feed_ClosedPort_SaysConnectionRefusedAtOnce()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
        }

        var clock = Stopwatch.StartNew();
        (int exit, _, string stderr) = RunInProcess(["feed", "--connect", $"127.0.0.1:{port}"]);

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(RunGuard.Unreachable), stderr);
            Assert.That(stderr, Does.Contain("connection refused"));
            Assert.That(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(1));
            // Refused is answered by the kernel at once; the old feed waited 10 s for acks. Not a speed check:
            // anything under the 5 s connect timeout proves the refusal was read, not waited out.
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
        });
    }

    [CancelAfter(60_000)]
    [Test]
    public async Task Lab_ParseErrorInAChildProcess_OneLineExit2NoHelpNoStackTrace()
    {
        using LabProcess lab = LabProcess.Start(_scratch, "demo", "--rate", "abc");

        int exit = await lab.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(2));
            Assert.That(lab.Stderr.Trim().Split('\n'), Has.Length.EqualTo(1), lab.Stderr);
            Assert.That(lab.Stderr, Does.Contain("--rate").And.Not.Contain("   at "));
            Assert.That(lab.Stdout, Is.Empty);
        });
    }

    /// <summary>Runs the lab's command line in this process, capturing stdout and stderr.</summary>
    private static (int Exit, string Stdout, string Stderr) RunInProcess(string[] args)
    {
        TextWriter stdout = Console.Out;
        TextWriter stderr = Console.Error;
        var capturedOut = new StringWriter();
        var capturedErr = new StringWriter();
        Console.SetOut(capturedOut);
        Console.SetError(capturedErr);
        try
        {
            int exit = RunGuard.Invoke(Program.CreateRoot(), args, capturedErr);
            return (exit, capturedOut.ToString(), capturedErr.ToString());
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
        }
    }

    private string[] Snapshot() =>
        [.. Directory.EnumerateFileSystemEntries(_scratch, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)];
}

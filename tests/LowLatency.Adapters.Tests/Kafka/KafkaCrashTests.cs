using Confluent.Kafka;
using LowLatency.Testing.Kafka;
using NUnit.Framework;

namespace LowLatency.Adapters.Tests.Kafka;

/// <summary>
/// The engine in child processes (<c>lowlatency kafka-worker</c>) against the mock cluster hosted here, so
/// killing a worker leaves the brokers and their data alive.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class KafkaCrashTests
{
    private const int Partitions = 4;
    private const int Keys = 8;

    private KafkaMockCluster _cluster = null!;

    [OneTimeSetUp]
    public void StartCluster() => _cluster = new KafkaMockCluster(brokers: 3);

    [OneTimeTearDown]
    public void StopCluster() => _cluster.Dispose();

    [Test]
    [CancelAfter(150_000)]
    public async Task Worker_KilledTenTimesAtSeededPoints_LosesNothingAndDuplicatesStayWithinUncommitted(CancellationToken cancellationToken)
    {
        await KillAndRestartAsync(seed: 424_242, kills: 10, ticksPerKey: 20_000, cancellationToken);
    }

    [Test]
    [Category("Long")]
    [CancelAfter(900_000)]
    public async Task Worker_KilledFortyTimesAtSeededPoints_LosesNothingAndDuplicatesStayWithinUncommitted(CancellationToken cancellationToken)
    {
        await KillAndRestartAsync(seed: 977, kills: 40, ticksPerKey: 60_000, cancellationToken);
    }

    /// <summary>
    /// The second worker joins while the first holds every partition with windows open, and the second half of the
    /// feed arrives after the handover. Each step waits on what the workers print, not on a fixed delay: on a
    /// loaded box a fixed delay let the first worker finish alone (no mid-stream handover to test). Rare failures
    /// under load had a real cause besides: see <c>KafkaSourceTests.BarWindows_InputsRedeliveredIntoAStillOpenWindow_…</c>.
    /// </summary>
    [Test]
    [CancelAfter(120_000)]
    public async Task TwoWorkers_OneGroupRebalancingMidStream_LoseNothing(CancellationToken cancellationToken)
    {
        const int seed = 8086;
        const long ticksPerKey = 20_000;
        const int partitions = 8;
        string input = $"ticks-rebalance-{seed}";
        string output = $"bars-rebalance-{seed}";
        string group = $"rebalance-{seed}";
        _cluster.CreateTopic(input, partitions);
        _cluster.CreateTopic(output, partitions);
        TickFeed.Produce(_cluster.BootstrapServers, input, partitions, Keys, ticksPerKey / 2, seed);
        string[] arguments = ["--bootstrap", _cluster.BootstrapServers, "--in", input, "--out", output, "--group", group, "--exit-when-caught-up-ms", "8000"];

        using LabWorkerProcess first = LabWorkerProcess.Start(arguments);
        await WaitForLineAsync(first, "consumed=[1-9]", "the first worker consuming", cancellationToken);
        using LabWorkerProcess second = LabWorkerProcess.Start(arguments);
        await WaitForLineAsync(second, "caughtUp=True", "the second worker holding partitions (taken from the first)", cancellationToken);
        TickFeed.Produce(_cluster.BootstrapServers, input, partitions, Keys, ticksPerKey / 2, seed + 1, firstSeq: 1 + (ticksPerKey / 2));
        Task<int[]> exited = Task.WhenAll(first.WaitForExitAsync(cancellationToken), second.WaitForExitAsync(cancellationToken));
        if (await Task.WhenAny(exited, Task.Delay(TimeSpan.FromSeconds(60), cancellationToken)) != exited)
        {
            Assert.Fail($"seed {seed}: the workers did not both finish within 60 s.\nfirst:\n{Tail(first.Output)}\nsecond:\n{Tail(second.Output)}");
        }

        int[] exits = await exited;

        BarVerifier result = BarVerifier.Verify(_cluster.BootstrapServers, output, partitions, Keys, ticksPerKey, TimeSpan.FromSeconds(30));
        string report = $"seed={seed} {result} uncommitted={Uncommitted(input, group, partitions)}\nfirst: {first.LastLine}\nsecond: {second.LastLine}";
        TestContext.Out.WriteLine(report);
        Assert.Multiple(() =>
        {
            Assert.That(exits, Is.All.Zero, report + "\n" + first.Output + "\n" + second.Output);
            Assert.That(first.LastLine, Does.Match("revocations=([2-9]|[1-9][0-9])"), "the first worker handed partitions over mid-stream (and revoked the rest at its stop): " + report);
            Assert.That(second.LastLine, Does.Match("ticks=[1-9]"), "the second worker processed input after the handover: " + report);
            Assert.That(first.LastLine, Does.Match("handedOver=[1-9]"), "the first worker dropped the open windows of the partitions it handed over (their commit held back, the second worker fires them), so they no longer held its commits back: " + report);
            Assert.That(result.Lost, Is.Zero, report);
            Assert.That(result.Inconsistent, Is.Zero, report);
        });
    }

    private static async Task WaitForLineAsync(LabWorkerProcess worker, string pattern, string what, CancellationToken cancellationToken)
    {
        var regex = new System.Text.RegularExpressions.Regex(pattern);
        DateTime deadline = DateTime.UtcNow.AddSeconds(45);
        while (!regex.IsMatch(worker.Output))
        {
            if (DateTime.UtcNow > deadline || worker.HasExited)
            {
                Assert.Fail($"{what}: no line matching '{pattern}' within 45 s (exited: {worker.HasExited}):\n{Tail(worker.Output)}");
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    private async Task KillAndRestartAsync(int seed, int kills, long ticksPerKey, CancellationToken cancellationToken)
    {
        string input = $"ticks-kill-{seed}";
        string output = $"bars-kill-{seed}";
        string group = $"kill-{seed}";
        _cluster.CreateTopic(input, Partitions);
        _cluster.CreateTopic(output, Partitions);
        TickFeed.Produce(_cluster.BootstrapServers, input, Partitions, Keys, ticksPerKey, seed);
        var random = new Random(seed);
        long uncommittedAtKills = 0;
        var log = new List<string>();
        string[] arguments = ["--bootstrap", _cluster.BootstrapServers, "--in", input, "--out", output, "--group", group];

        for (int kill = 0; kill < kills; kill++)
        {
            int runMs = random.Next(800, 2500);
            using (LabWorkerProcess worker = LabWorkerProcess.Start(arguments))
            {
                await Task.Delay(runMs, cancellationToken);
                worker.Kill();
            }

            long uncommitted = Uncommitted(input, group);
            uncommittedAtKills += uncommitted;
            log.Add($"kill {kill} after {runMs} ms: uncommitted={uncommitted}");
        }

        using (LabWorkerProcess last = LabWorkerProcess.Start([.. arguments, "--exit-when-caught-up-ms", "300"]))
        {
            int exit = await last.WaitForExitAsync(cancellationToken);
            Assert.That(exit, Is.Zero, $"seed {seed}: the last worker failed:\n{last.Output}");
        }

        BarVerifier result = BarVerifier.Verify(_cluster.BootstrapServers, output, Partitions, Keys, ticksPerKey, TimeSpan.FromSeconds(30));
        string report = $"seed={seed} {result} uncommittedAtKills={uncommittedAtKills}\n{string.Join('\n', log)}";
        TestContext.Out.WriteLine(report);
        Assert.Multiple(() =>
        {
            Assert.That(result.Lost, Is.Zero, report);
            Assert.That(result.Inconsistent, Is.Zero, report);
            Assert.That(result.Duplicates, Is.LessThanOrEqualTo(uncommittedAtKills), report);
            Assert.That(Uncommitted(input, group), Is.Zero, "the last worker committed everything: " + report);
        });
    }

    private static string Tail(string output) => string.Join('\n', output.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(5));

    /// <summary>Records in the topic past the group's committed offsets (what a restart replays).</summary>
    private long Uncommitted(string topic, string group, int partitionCount = Partitions)
    {
        var config = new ConsumerConfig { BootstrapServers = _cluster.BootstrapServers, GroupId = group, EnableAutoCommit = false };
        using IConsumer<Ignore, Ignore> consumer = new ConsumerBuilder<Ignore, Ignore>(config).SetLogHandler((_, _) => { }).Build();
        var partitions = Enumerable.Range(0, partitionCount).Select(p => new TopicPartition(topic, p)).ToList();
        List<TopicPartitionOffset> committed = consumer.Committed(partitions, TimeSpan.FromSeconds(10));
        long uncommitted = 0;
        foreach (TopicPartitionOffset position in committed)
        {
            WatermarkOffsets offsets = consumer.QueryWatermarkOffsets(position.TopicPartition, TimeSpan.FromSeconds(10));
            long from = position.Offset.Value < 0 ? offsets.Low.Value : position.Offset.Value;
            uncommitted += offsets.High.Value - from;
        }

        return uncommitted;
    }
}

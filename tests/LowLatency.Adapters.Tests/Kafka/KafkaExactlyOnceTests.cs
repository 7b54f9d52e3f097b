using System.Diagnostics;
using LowLatency.Adapters.Kafka;
using LowLatency.Testing;
using LowLatency.Testing.Kafka;
using NUnit.Framework;

namespace LowLatency.Adapters.Tests.Kafka;

/// <summary>
/// Exactly once on the mock cluster, read as the design says (<see cref="ExactlyOnceVerifier"/>): in process
/// (stop and restart) and in child processes (<c>lowlatency kafka-worker --exactly-once</c>) killed with
/// SIGKILL at seeded points and protocol points, and a paused-then-resumed zombie. The mock enforces no
/// transactional guarantee (<see cref="KafkaMockTransactionTests"/>), so these tests show the design's
/// correctness without broker help; <see cref="KafkaTaskLogTests"/> covers the rule case by case.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class KafkaExactlyOnceTests
{
    private const int Keys = 12;
    private const int Partitions = 6;

    /// <summary>Chaos runs use 20-tick windows: more bars per epoch, so more kills land between an output and its commit.</summary>
    private const long ChaosWindow = 200;
    private static readonly TimeSpan s_verifyTimeout = TimeSpan.FromSeconds(60);

    private KafkaMockCluster _cluster = null!;

    [OneTimeSetUp]
    public void StartCluster() => _cluster = new KafkaMockCluster(brokers: 3);

    [OneTimeTearDown]
    public void StopCluster() => _cluster.Dispose();

    [Test]
    [CancelAfter(90_000)]
    public async Task Worker_StoppedAndRestartedInProcess_EveryTickInExactlyOneCommittedBarOrOpenWindow(CancellationToken cancellationToken)
    {
        Topics topics = CreateTopics("restart");
        TickFeed.Produce(_cluster.BootstrapServers, topics.Input, Partitions, Keys, ticksPerKey: 1_500, seed: 1);
        await RunInProcessAsync(topics, "restart-1", cancellationToken);
        TickFeed.Produce(_cluster.BootstrapServers, topics.Input, Partitions, Keys, ticksPerKey: 1_500, seed: 2, firstSeq: 1_501);
        await RunInProcessAsync(topics, "restart-2", cancellationToken);

        ExactlyOnceVerifier result = ExactlyOnceVerifier.Verify(_cluster.BootstrapServers, topics.Output, topics.State, Partitions, Keys, 3_000, s_verifyTimeout);
        TestContext.Out.WriteLine(result);
        Assert.Multiple(() =>
        {
            Assert.That(result.Check.Lost, Is.Zero, result.ToString());
            Assert.That(result.Check.Duplicates, Is.Zero, result.ToString());
            Assert.That(result.Check.Inconsistent, Is.Zero, result.ToString());
            Assert.That(result.Committed, Has.Count.EqualTo(Keys * 30), "seq 1-99, 100-199, …, 2900-2999 closed; 3000 opened the last window");
            Assert.That(result.Open, Has.Count.EqualTo(Keys), "each key's last window stays open, in its task's state");
            Assert.That(result.Ignored, Is.Zero, "clean stops leave no uncommitted output");
            Assert.That(result.Claims, Is.EqualTo(2 * Partitions), "each run claimed every task");
        });
    }

    [Test]
    [CancelAfter(240_000)]
    public async Task ThreeWorkers_TwentySigKillsAtSeededPoints_OutputEqualsAnUninterruptedRun(CancellationToken cancellationToken)
    {
        await ChaosAsync(seed: 1414, sigKills: 20, chunks: 10, ticksPerChunk: 300, cancellationToken);
    }

    [Test]
    [Category("Long")]
    [CancelAfter(900_000)]
    public async Task ThreeWorkers_SixtySigKillsAtSeededPoints_OutputEqualsAnUninterruptedRun(CancellationToken cancellationToken)
    {
        await ChaosAsync(seed: 2718, sigKills: 60, chunks: 30, ticksPerChunk: 500, cancellationToken);
    }

    [Test]
    [CancelAfter(180_000)]
    public async Task Zombie_PausedBetweenProduceAndCommitThenResumed_IsFencedAndItsWritesAreVoid(CancellationToken cancellationToken)
    {
        Topics topics = CreateTopics("zombie");
        string[] arguments = [.. WorkerArguments(topics), "--commit-interval-ms", "50", "--window", "100"];

        // A paced feed, so every epoch has input and bars (10-tick windows).
        using var feedStop = new CancellationTokenSource();
        long chunks = 0;
        Task feed = Task.Run(async () =>
        {
            for (long chunk = 0; !feedStop.IsCancellationRequested && chunk < 600; chunk++) // at most a minute, whatever happens
            {
                TickFeed.Produce(_cluster.BootstrapServers, topics.Input, Partitions, Keys, ticksPerKey: 100, seed: 100 + (int)chunk, firstSeq: 1 + (chunk * 100));
                Interlocked.Increment(ref chunks);
                await Task.Delay(100, CancellationToken.None);
            }
        }, CancellationToken.None);

        // The zombie stops itself (SIGSTOP) in its third commit of an epoch with bars: the bars written and
        // acknowledged, its state records not yet. (ChaosPoint.Outputs counts only epochs with output: under CPU hogs
        // an epoch can hold a few ticks of each key and close no window, which would leave the zombie nothing to void.)
        using LabWorkerProcess zombie = LabWorkerProcess.Start([.. arguments, "--transactional-id", "zombie", "--chaos-stop", "outputs-flushed:3"]);
        await WaitForAsync(() => zombie.Output.Contains("chaos: signal 19", StringComparison.Ordinal), TimeSpan.FromSeconds(60), "the zombie pausing itself", zombie, cancellationToken);

        // Its session expires; the successor claims every task and carries on. Wait until it holds every task at once
        // (its claims count over assignments). The zombie's own first-generation bars must then be void: counting any
        // ignored bar would also pass on a later worker's unfinished epoch.
        using LabWorkerProcess successor = LabWorkerProcess.Start([.. arguments, "--transactional-id", "successor"]);
        await WaitForAsync(() => successor.Output.Contains($"owned={Partitions}", StringComparison.Ordinal), TimeSpan.FromSeconds(60), "the successor holding every task", successor, cancellationToken);

        Assert.That(zombie.HasExited, Is.False, () => $"the zombie ended while paused (exit {zombie.ExitCode}):\n{zombie.TimedOutput}\nsuccessor:\n{successor.TimedOutput}");
        UnixSignal.Send(zombie.Id, UnixSignal.Continue);
        DateTime resumed = DateTime.UtcNow;
        using (var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            bound.CancelAfter(TimeSpan.FromSeconds(30));
            int exit = await zombie.WaitForExitAsync(bound.Token);
            TestContext.Out.WriteLine($"zombie exit {exit}:\n{zombie.Output}");
            Assert.That(exit, Is.EqualTo(3), "the zombie stops with one line: " + zombie.Output);
            Assert.That(zombie.Output, Does.Contain("zombie").And.Contain("lowlatency: "), "the line says it was fenced");
        }

        await feedStop.CancelAsync();
        await feed;
        long ticksPerKey = Interlocked.Read(ref chunks) * 100;
        successor.Kill();

        ExactlyOnceVerifier result = await FinishAndVerifyAsync(topics, arguments, ticksPerKey, cancellationToken);
        TestContext.Out.WriteLine(result);
        string evidence = $"{result}\nzombie (resumed at {resumed:HH:mm:ss.fff}):\n{zombie.TimedOutput}\nsuccessor:\n{successor.TimedOutput}\n{result.History}";
        Assert.Multiple(() =>
        {
            Assert.That(result.IgnoredOfFirstOwners, Is.GreaterThan(0), "the zombie's paused epoch (bars on the mock's log, its commit record after the successor's claim or never) is ignored: " + evidence);
            Assert.That(result.Raw.Duplicates, Is.GreaterThan(0), "which a naive read of the mock would count twice: " + evidence);
            Assert.That(result.Check.Lost, Is.Zero, result.ToString());
            Assert.That(result.Check.Duplicates, Is.Zero, result.ToString());
            Assert.That(result.Check.Inconsistent, Is.Zero, result.ToString());
        });
    }

    private async Task ChaosAsync(int seed, int sigKills, int chunks, long ticksPerChunk, CancellationToken cancellationToken)
    {
        Topics topics = CreateTopics($"chaos{seed}");
        Topics reference = CreateTopics($"ref{seed}");
        long ticksPerKey = chunks * ticksPerChunk;
        for (int chunk = 0; chunk < chunks; chunk++)
        {
            TickFeed.Produce(_cluster.BootstrapServers, reference.Input, Partitions, Keys, ticksPerChunk, seed + chunk, firstSeq: 1 + (chunk * ticksPerChunk));
        }

        await RunInProcessAsync(reference, $"ref-{seed}", cancellationToken, ChaosWindow);
        ExactlyOnceVerifier uninterrupted = ExactlyOnceVerifier.Verify(_cluster.BootstrapServers, reference.Output, reference.State, Partitions, Keys, ticksPerKey, s_verifyTimeout);
        TestContext.Out.WriteLine($"uninterrupted: {uninterrupted}");

        string[] arguments = [.. WorkerArguments(topics), "--window", $"{ChaosWindow}"];
        using var fleet = new KafkaWorkerFleet(command => LabWorkerProcess.StartLab([.. command]), arguments, topics.Group, workers: 3);
        fleet.StartAll();
        Task feed = Task.Run(async () =>
        {
            for (int chunk = 0; chunk < chunks; chunk++)
            {
                TickFeed.Produce(_cluster.BootstrapServers, topics.Input, Partitions, Keys, ticksPerChunk, seed + chunk, firstSeq: 1 + (chunk * ticksPerChunk));
                await Task.Delay(2_500, cancellationToken);
            }
        }, cancellationToken);
        await fleet.RunChaosAsync(seed, sigKills, TimeSpan.FromMilliseconds(400), TimeSpan.FromMilliseconds(1_600), cancellationToken);
        await feed;
        fleet.KillAll();

        ExactlyOnceVerifier result = await FinishAndVerifyAsync(topics, arguments, ticksPerKey, cancellationToken);
        string report = $"seed={seed} {result} sigkills={fleet.SigKills} (sent {fleet.Kills}, at points {string.Join(' ', fleet.PointKills.Select(p => $"{p.Key}={p.Value}"))}) starts={fleet.Starts} failures={fleet.Failures}\n{string.Join('\n', fleet.Log)}";
        TestContext.Out.WriteLine(report);
        Assert.Multiple(() =>
        {
            Assert.That(fleet.SigKills, Is.GreaterThanOrEqualTo(sigKills), report);
            Assert.That(fleet.PointKills.Keys, Has.Some.StartsWith("restoring").Or.Some.StartsWith("claimed"), "a kill during state restore: " + report);
            Assert.That(fleet.PointKills.Keys, Has.Some.StartsWith("state-written").Or.Some.StartsWith("outputs-flushed"), "a kill between produce and commit: " + report);
            Assert.That(fleet.PointKills.Keys, Has.Some.StartsWith("revoking"), "a kill during a rebalance: " + report);
            Assert.That(result.Check.Lost, Is.Zero, report);
            Assert.That(result.Check.Duplicates, Is.Zero, report);
            Assert.That(result.Check.Inconsistent, Is.Zero, report);
            Assert.That(result.Committed, Has.Count.EqualTo(Keys * (ticksPerKey * 10 / ChaosWindow)), "every window but each key's last is closed: " + report);
            Assert.That(result.Committed, Is.EqualTo(uninterrupted.Committed), "every committed bar equals the uninterrupted run's: " + report);
            Assert.That(result.Open, Is.EqualTo(uninterrupted.Open), "and so does every open window: " + report);
        });
    }

    /// <summary>One last worker takes every task over, processes the rest and stops; then the output is read.</summary>
    private async Task<ExactlyOnceVerifier> FinishAndVerifyAsync(Topics topics, string[] arguments, long ticksPerKey, CancellationToken cancellationToken)
    {
        using (LabWorkerProcess last = LabWorkerProcess.Start([.. arguments, "--transactional-id", "last", "--exit-when-caught-up-ms", "1500"]))
        {
            using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bound.CancelAfter(TimeSpan.FromSeconds(90));
            int exit = await last.WaitForExitAsync(bound.Token);
            Assert.That(exit, Is.Zero, "the last worker failed:\n" + last.Output);
        }

        return ExactlyOnceVerifier.Verify(_cluster.BootstrapServers, topics.Output, topics.State, Partitions, Keys, ticksPerKey, s_verifyTimeout);
    }

    private string[] WorkerArguments(Topics topics) =>
        ["--bootstrap", _cluster.BootstrapServers, "--in", topics.Input, "--out", topics.Output, "--group", topics.Group, "--exactly-once", "--state", topics.State];

    private static async Task WaitForAsync(Func<bool> condition, TimeSpan timeout, string what, LabWorkerProcess process, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout || process.HasExited)
            {
                Assert.Fail($"{what}: not seen within {timeout.TotalSeconds:0} s (exited: {process.HasExited}):\n{process.Output}");
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>One in-process exactly-once worker, run until caught up, then stopped (its revocation commits).</summary>
    private async Task RunInProcessAsync(Topics topics, string transactionalId, CancellationToken cancellationToken, long windowSize = 1000)
    {
        await using KafkaBarsWorker worker = KafkaBarsWorker.Start(_cluster.BootstrapServers, topics.Input, topics.Output, topics.Group,
            windowSize: windowSize, maxKeys: Keys, exactlyOnce: KafkaExactlyOnceOptions.Default with { StateTopic = topics.State, TransactionalId = transactionalId });
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(TimeSpan.FromSeconds(40));
        await worker.WaitCaughtUpAsync(TimeSpan.FromMilliseconds(500), bound.Token);
        Assert.That(worker.Failure, Is.Null, worker.ToString());
        await worker.StopAsync();
        TestContext.Out.WriteLine($"{transactionalId}: {worker}");
    }

    private Topics CreateTopics(string name)
    {
        string suffix = $"{name}-{Guid.NewGuid():N}"[..(name.Length + 9)];
        var topics = new Topics($"ticks-{suffix}", $"bars-{suffix}", $"state-{suffix}", $"eos-{suffix}");
        _cluster.CreateTopic(topics.Input, Partitions);
        _cluster.CreateTopic(topics.Output, Partitions);
        _cluster.CreateTopic(topics.State, Partitions);
        return topics;
    }

    private sealed record Topics(string Input, string Output, string State, string Group);
}

using LowLatency.Adapters.Kafka;
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

    /// <summary>One in-process exactly-once worker, run until caught up, then stopped (its revocation commits).</summary>
    private async Task RunInProcessAsync(Topics topics, string transactionalId, CancellationToken cancellationToken)
    {
        await using KafkaBarsWorker worker = KafkaBarsWorker.Start(_cluster.BootstrapServers, topics.Input, topics.Output, topics.Group,
            maxKeys: Keys, exactlyOnce: KafkaExactlyOnceOptions.Default with { StateTopic = topics.State, TransactionalId = transactionalId });
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

using System.Diagnostics;
using Confluent.Kafka;
using LowLatency.Adapters.Kafka;
using LowLatency.Engine.Processing;
using LowLatency.Testing.Kafka;
using NUnit.Framework;

namespace LowLatency.Adapters.Tests.Kafka;

[TestFixture]
[NonParallelizable]
public sealed class KafkaFaultTests
{
    private const int Partitions = 4;
    private const int Keys = 8;

    private KafkaMockCluster _cluster = null!;

    [OneTimeSetUp]
    public void StartCluster() => _cluster = new KafkaMockCluster(brokers: 3);

    [OneTimeTearDown]
    public void StopCluster() => _cluster.Dispose();

    [Test]
    [CancelAfter(60_000)]
    public async Task Forward_BrokerDownThenUpAndRetriableProduceErrors_LosesNothingKeepsOrder(CancellationToken cancellationToken)
    {
        const int seed = 31_337;
        const long ticksPerKey = 5_000;
        (string input, string output) = Topics("faults", seed);
        TickFeed.Produce(_cluster.BootstrapServers, input, Partitions, Keys, ticksPerKey, seed);
        var random = new Random(seed);

        await using var rig = new ForwardRig(_cluster.BootstrapServers, input, output, $"faults-{seed}");
        await rig.WaitUntilAsync(() => rig.Sink.Delivered > 2_000, TimeSpan.FromSeconds(20), "first deliveries");
        int broker = random.Next(1, _cluster.BrokerCount + 1);
        _cluster.SetBrokerDown(broker);
        await Task.Delay(random.Next(300, 1000), cancellationToken);
        _cluster.SetBrokerUp(broker);
        _cluster.PushRequestErrors(KafkaMockCluster.ApiProduce,
            ErrorCode.NotLeaderForPartition, ErrorCode.RequestTimedOut, ErrorCode.NotEnoughReplicas, ErrorCode.LeaderNotAvailable);
        await rig.WaitUntilAsync(() => rig.Source.IsCaughtUp && rig.Sink.Delivered == rig.Sink.Produced && rig.Source.Consumed == Keys * ticksPerKey, TimeSpan.FromSeconds(30), "catch-up");
        await rig.StopAsync();

        TickVerifier result = TickVerifier.Verify(_cluster.BootstrapServers, output, Partitions, Keys, ticksPerKey, TimeSpan.FromSeconds(20));
        string report = $"seed={seed} broker={broker} {result} {rig}";
        TestContext.Out.WriteLine(report);
        Assert.Multiple(() =>
        {
            Assert.That(result.Lost, Is.Zero, report);
            Assert.That(result.Reordered, Is.Zero, report);
            Assert.That(result.Duplicates, Is.Zero, "idempotent producer, no restart: " + report);
            Assert.That(rig.Sink.Failed, Is.Zero, report);
        });
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task Forward_DeliveryTimesOut_FaultsAndNeverCommitsPastTheFailedRecord(CancellationToken cancellationToken)
    {
        const int seed = 5150;
        const long ticksPerKey = 2_000;
        using var cluster = new KafkaMockCluster(brokers: 1);
        string input = $"ticks-timeout-{seed}";
        string output = $"out-timeout-{seed}";
        string group = $"timeout-{seed}";
        cluster.CreateTopic(input, Partitions);
        cluster.CreateTopic(output, Partitions);
        const long half = ticksPerKey / 2;
        TickFeed.Produce(cluster.BootstrapServers, input, Partitions, Keys, half, seed);

        // The stage is held at its next event before the second half is fed, so records are still to be forwarded
        // once produce requests start failing (on a busy box the whole input used to be delivered first).
        using var stage = new ManualResetEventSlim(true);
        await using var rig = new ForwardRig(cluster.BootstrapServers, input, output, group, gate: stage, deliveryTimeout: TimeSpan.FromMilliseconds(1500), stopTimeout: TimeSpan.FromSeconds(1));
        await rig.WaitUntilAsync(() => rig.Sink.Delivered == Keys * half, TimeSpan.FromSeconds(20), "the first half's deliveries");
        stage.Reset();
        try
        {
            TickFeed.Produce(cluster.BootstrapServers, input, Partitions, Keys, ticksPerKey - half, seed, firstSeq: half + 1);

            // Every produce request now fails with a retriable error until the delivery timeout expires.
            cluster.PushRequestErrors(KafkaMockCluster.ApiProduce, Enumerable.Repeat(ErrorCode.NotEnoughReplicas, 100_000).ToArray());
        }
        finally
        {
            stage.Set();
        }

        await rig.WaitUntilAsync(() => rig.Sink.Fault is not null, TimeSpan.FromSeconds(30), "the failed delivery surfacing");
        // The next record the stage produces halts the pipeline under the default exception policy.
        Assert.That(() => rig.Sink.TryProduce(default, rig.Source.Consumed), Throws.TypeOf<KafkaSinkException>());
        await rig.Source.StopAsync(cancellationToken);

        long committed = cluster.CommittedTotal(input, group, Partitions);
        string report = $"seed={seed} committed={committed} {rig}";
        TestContext.Out.WriteLine(report);
        Assert.Multiple(() =>
        {
            Assert.That(rig.Sink.Failed, Is.GreaterThan(0), report);
            Assert.That(committed, Is.LessThanOrEqualTo(rig.Sink.SafeSequence + 1), "no offset committed past an undelivered output: " + report);
            Assert.That(rig.Sink.SafeSequence + 1, Is.LessThan(rig.Source.Consumed), report);
        });
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task Forward_SlowStage_PausesPartitionsAndMemoryStaysBounded(CancellationToken cancellationToken)
    {
        const int seed = 2024;
        const long ticksPerKey = 2_500;
        const int capacity = 64;
        (string input, string output) = Topics("slow", seed);
        TickFeed.Produce(_cluster.BootstrapServers, input, Partitions, Keys, ticksPerKey, seed);
        using var gate = new ManualResetEventSlim(false);

        await using var rig = new ForwardRig(_cluster.BootstrapServers, input, output, $"slow-{seed}", capacity, gate);
        await rig.WaitUntilAsync(() => rig.Source.IsPaused, TimeSpan.FromSeconds(20), "a pause");
        long consumedAtPause = rig.Source.Consumed;
        long heapAtPause = GC.GetTotalMemory(forceFullCollection: true);
        // An observation window: while the stage is stuck, nothing more may be taken from Kafka than the ring holds.
        await Task.Delay(750, cancellationToken);
        long consumedLater = rig.Source.Consumed;
        long heapLater = GC.GetTotalMemory(forceFullCollection: true);
        bool stillPaused = rig.Source.IsPaused;
        gate.Set();
        await rig.WaitUntilAsync(() => rig.Source.IsCaughtUp && rig.Sink.Delivered == Keys * ticksPerKey, TimeSpan.FromSeconds(30), "catch-up after the stage speeds up");
        await rig.StopAsync();

        TickVerifier result = TickVerifier.Verify(_cluster.BootstrapServers, output, Partitions, Keys, ticksPerKey, TimeSpan.FromSeconds(20));
        string report = $"seed={seed} consumedAtPause={consumedAtPause} consumedLater={consumedLater} heapGrowth={heapLater - heapAtPause} {result} {rig}";
        TestContext.Out.WriteLine(report);
        Assert.Multiple(() =>
        {
            Assert.That(stillPaused, Is.True, report);
            Assert.That(consumedLater, Is.LessThanOrEqualTo(capacity), "the ring bounds what is taken: " + report);
            Assert.That(heapLater - heapAtPause, Is.LessThan(1 << 20), "no managed buffering while paused: " + report);
            Assert.That(rig.Source.Pauses, Is.GreaterThanOrEqualTo(1), report);
            Assert.That(rig.Source.IsPaused, Is.False, "resumed: " + report);
            Assert.That(result.Lost, Is.Zero, report);
            Assert.That(result.Reordered, Is.Zero, report);
        });
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task Stop_CancelledWhileAStageHolds_EndsTheWaitAndTheStopCarriesOn()
    {
        const int seed = 4_711;
        (string input, string output) = Topics("stopcancel", seed);
        TickFeed.Produce(_cluster.BootstrapServers, input, Partitions, Keys, ticksPerKey: 100, seed);
        using var gate = new ManualResetEventSlim(false);
        await using var rig = new ForwardRig(_cluster.BootstrapServers, input, output, $"stopcancel-{seed}", capacity: 64, gate);
        await rig.WaitUntilAsync(() => rig.Source.Consumed > 0, TimeSpan.FromSeconds(20), "first ticks consumed");

        // The stage holds its first tick, so the stop cannot finish: the caller's wait ends at its token.
        using var bound = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var clock = Stopwatch.StartNew();
        Assert.That(async () => await rig.Source.StopAsync(bound.Token), Throws.InstanceOf<OperationCanceledException>());
        TestContext.Out.WriteLine($"wait cancelled after {clock.Elapsed.TotalMilliseconds:0} ms");
        Assert.That(rig.Source.Completion.IsCompleted, Is.False, "the stop carries on after the caller stopped waiting");

        gate.Set();
        await rig.StopAsync();
        Assert.That(rig.Source.Completion.IsCompletedSuccessfully, Is.True, rig.ToString());
    }

    private (string Input, string Output) Topics(string name, int seed)
    {
        string input = $"ticks-{name}-{seed}";
        string output = $"out-{name}-{seed}";
        _cluster.CreateTopic(input, Partitions);
        _cluster.CreateTopic(output, Partitions);
        return (input, output);
    }

}

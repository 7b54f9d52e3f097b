using System.Diagnostics;
using System.Runtime.CompilerServices;
using Confluent.Kafka;
using LowLatency.Adapters.Kafka;
using LowLatency.Engine.Pipelines;
using LowLatency.Engine.Processing;
using LowLatency.Testing.Kafka;
using NUnit.Framework;

namespace LowLatency.Adapters.Tests.Kafka;

/// <summary>
/// The source never waits on the outside world without a bound: each way the cluster can be missing ends in
/// one clear line on <see cref="KafkaSource{T}.Completion"/> within <see cref="KafkaSourceOptions.BrokerTimeout"/>.
/// The bounds asserted carry generous slack for a loaded 2-core box: they catch a hang, not a slow second.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class KafkaEdgeTests
{
    private static readonly TimeSpan s_brokerTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan s_slack = TimeSpan.FromSeconds(8);

    [Test]
    [CancelAfter(30_000)]
    public async Task Source_UnreachableBootstrap_FaultsWithinBrokerTimeout()
    {
        var log = new ListLogger();
        (KafkaSourceException fault, TimeSpan elapsed) = await FaultOf("127.0.0.1:1", "ticks", log);
        TestContext.Out.WriteLine($"{elapsed.TotalSeconds:0.0} s: {fault.Message}");
        Assert.Multiple(() =>
        {
            Assert.That(log.Lines, Has.Some.StartsWith("Warning: Kafka source 'edge': no broker has answered yet"), "the wait is logged when it starts");
            Assert.That(log.Lines, Has.Some.StartsWith("Error: Kafka source 'edge' stopped: Kafka source 'edge' gave up"), "and the fault when it ends");
            Assert.That(elapsed, Is.GreaterThanOrEqualTo(s_brokerTimeout - TimeSpan.FromMilliseconds(50)), "waits the whole bound first");
            Assert.That(elapsed, Is.LessThan(s_brokerTimeout + s_slack));
            Assert.That(fault.Message, Does.Contain("127.0.0.1:1").And.Contain("BrokerTimeout").And.Not.Contain("\n"));
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Source_UnresolvableBootstrap_FaultsWithinBrokerTimeout()
    {
        (KafkaSourceException fault, TimeSpan elapsed) = await FaultOf("no-such-host.invalid:9092", "ticks");
        TestContext.Out.WriteLine($"{elapsed.TotalSeconds:0.0} s: {fault.Message}");
        Assert.Multiple(() =>
        {
            Assert.That(elapsed, Is.LessThan(s_brokerTimeout + s_slack));
            Assert.That(fault.Message, Does.Contain("no-such-host.invalid:9092").And.Not.Contain("\n"));
        });
    }

    [TestCase("not a host:xyz")]
    [TestCase("host:0")]
    [TestCase("host:65536")]
    [TestCase("host")]
    [TestCase("good:9092,:9092")]
    public async Task Options_MalformedBootstrap_RefusedNamingTheOption(string bootstrap)
    {
        await using Pipeline<Tick> pipeline = Pipeline<Tick>.Create(PipelineOptions.Default with { Capacity = 64 });
        Assert.Multiple(() =>
        {
            Assert.That(() => new KafkaSource<Tick>(pipeline, TickCodec.Instance, SourceOptions(bootstrap, "ticks")),
                Throws.ArgumentException.With.Message.Contain("KafkaSourceOptions.BootstrapServers"));
            Assert.That(() => new KafkaSink<Tick>(TickCodec.Instance, KafkaSinkOptions.Default with { BootstrapServers = bootstrap, Topic = "bars" }),
                Throws.ArgumentException.With.Message.Contain("KafkaSinkOptions.BootstrapServers"));
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Source_MissingTopic_FaultsWithinBrokerTimeoutNamingTheTopic()
    {
        using var cluster = new KafkaMockCluster(brokers: 1);
        (KafkaSourceException fault, TimeSpan elapsed) = await FaultOf(cluster.BootstrapServers, "no-such-topic");
        TestContext.Out.WriteLine($"{elapsed.TotalSeconds:0.0} s: {fault.Message}");
        Assert.Multiple(() =>
        {
            Assert.That(elapsed, Is.LessThan(s_brokerTimeout + s_slack));
            Assert.That(fault.Message, Does.Contain("'no-such-topic'").And.Contain("does not exist").And.Not.Contain("\n"));
        });
    }

    [Test]
    [CancelAfter(45_000)]
    public async Task Source_EveryBrokerLostMidRun_FaultsWithinBrokerTimeout()
    {
        using var cluster = new KafkaMockCluster(brokers: 1);
        cluster.CreateTopic("ticks", 2);
        TickFeed.Produce(cluster.BootstrapServers, "ticks", 2, keys: 4, ticksPerKey: 500, seed: 1);
        await using var rig = new SourceRig(SourceOptions(cluster.BootstrapServers, "ticks"));
        await WaitUntil(() => rig.Source.IsCaughtUp, TimeSpan.FromSeconds(20), "caught up", rig);

        var clock = Stopwatch.StartNew();
        cluster.SetBrokerDown(1);
        KafkaSourceException fault = await FaultWithin(rig.Source, s_brokerTimeout + s_slack + TimeSpan.FromSeconds(10));
        TimeSpan elapsed = clock.Elapsed;
        TestContext.Out.WriteLine($"{elapsed.TotalSeconds:0.0} s: {fault.Message}");
        Assert.Multiple(() =>
        {
            Assert.That(rig.Consumed, Is.EqualTo(2_000), "everything before the loss was consumed");
            // librdkafka notices a dead broker by its own timers (a few seconds) before the bound starts.
            Assert.That(elapsed, Is.LessThan(s_brokerTimeout + s_slack + TimeSpan.FromSeconds(10)));
            Assert.That(fault.Message, Does.Contain(cluster.BootstrapServers).And.Contain("BrokerTimeout").And.Not.Contain("\n"));
        });
    }

    [Test]
    [CancelAfter(45_000)]
    public async Task Source_BrokerBackWithinBound_RecoversAndConsumesOn()
    {
        using var cluster = new KafkaMockCluster(brokers: 1);
        cluster.CreateTopic("ticks", 2);
        TickFeed.Produce(cluster.BootstrapServers, "ticks", 2, keys: 4, ticksPerKey: 500, seed: 2);
        await using var rig = new SourceRig(SourceOptions(cluster.BootstrapServers, "ticks") with { BrokerTimeout = TimeSpan.FromSeconds(20) });
        await WaitUntil(() => rig.Source.IsCaughtUp, TimeSpan.FromSeconds(20), "caught up", rig);
        long recoveriesBefore = rig.Source.Recoveries;

        cluster.SetBrokerDown(1);
        await WaitUntil(() => rig.Source.Recoveries > recoveriesBefore || rig.Source.Completion.IsCompleted, TimeSpan.FromSeconds(4), "", rig, throwOnTimeout: false);
        cluster.SetBrokerUp(1);
        TickFeed.Produce(cluster.BootstrapServers, "ticks", 2, keys: 4, ticksPerKey: 500, seed: 3, firstSeq: 501);
        await WaitUntil(() => rig.Consumed == 4_000, TimeSpan.FromSeconds(30), "consumed after the broker came back", rig);
        Assert.Multiple(() =>
        {
            Assert.That(rig.Source.Completion.IsCompleted, Is.False, "no fault: the broker came back within the bound");
            Assert.That(rig.Source.Recoveries, Is.GreaterThan(recoveriesBefore), "the loss was noticed and its end recognised");
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Source_StopWhileNoBrokerAnswers_CompletesPromptly()
    {
        await using var rig = new SourceRig(SourceOptions("127.0.0.1:1", "ticks") with { BrokerTimeout = TimeSpan.FromSeconds(60) });
        await Task.Delay(500); // let it start waiting on the broker
        var clock = Stopwatch.StartNew();
        Task stopped = rig.Source.StopAsync();
        Task first = await Task.WhenAny(stopped, Task.Delay(s_slack));
        TimeSpan elapsed = clock.Elapsed;
        TestContext.Out.WriteLine($"stopped in {elapsed.TotalMilliseconds:0} ms");
        Assert.That(first, Is.SameAs(stopped), $"StopAsync did not complete within {s_slack}");
        // The Ctrl+C budget of every lab command is 2 s; the source's part must fit in it on a quiet box.
        Assert.That(elapsed, Is.LessThan(TimeSpan.FromSeconds(4)));
    }

    [Test]
    [CancelAfter(45_000)]
    public async Task Source_FatalClientError_FaultsWithTheClientsReason()
    {
        // A static member (group.instance.id) told it is fenced by the coordinator: librdkafka raises a fatal error.
        using var cluster = new KafkaMockCluster(brokers: 1);
        cluster.CreateTopic("ticks", 2);
        TickFeed.Produce(cluster.BootstrapServers, "ticks", 2, keys: 4, ticksPerKey: 100, seed: 4);
        KafkaSourceOptions options = SourceOptions(cluster.BootstrapServers, "ticks") with
        {
            Settings = new Dictionary<string, string> { ["group.instance.id"] = "static-1" },
            BrokerTimeout = TimeSpan.FromSeconds(30),
        };
        await using var rig = new SourceRig(options);
        await WaitUntil(() => rig.Source.IsCaughtUp, TimeSpan.FromSeconds(20), "caught up", rig);
        cluster.PushRequestErrors(KafkaMockCluster.ApiHeartbeat, Enumerable.Repeat(ErrorCode.FencedInstanceId, 10).ToArray());
        var clock = Stopwatch.StartNew();
        KafkaSourceException fault = await FaultWithin(rig.Source, TimeSpan.FromSeconds(20));
        TestContext.Out.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: {fault.Message}");
        Assert.That(fault.Message, Does.Contain("fatal").And.Contain(nameof(ErrorCode.FencedInstanceId)).And.Not.Contain("\n"));
    }

    private static KafkaSourceOptions SourceOptions(string bootstrap, string topic) => KafkaSourceOptions.Default with
    {
        Name = "edge",
        BootstrapServers = bootstrap,
        GroupId = "edge-" + Guid.NewGuid().ToString("N")[..8],
        Topics = [topic],
        SessionTimeout = TimeSpan.FromMilliseconds(1500),
        BrokerTimeout = s_brokerTimeout,
    };

    private static async Task<(KafkaSourceException Fault, TimeSpan Elapsed)> FaultOf(string bootstrap, string topic, ListLogger? log = null)
    {
        await using var rig = new SourceRig(SourceOptions(bootstrap, topic) with { Logger = log });
        var clock = Stopwatch.StartNew();
        KafkaSourceException fault = await FaultWithin(rig.Source, s_brokerTimeout + s_slack);
        return (fault, clock.Elapsed);
    }

    private static async Task<KafkaSourceException> FaultWithin(KafkaSource<Tick> source, TimeSpan bound)
    {
        Task first = await Task.WhenAny(source.Completion, Task.Delay(bound));
        Assert.That(first, Is.SameAs(source.Completion), $"the source neither faulted nor completed within {bound}");
        Assert.That(source.Completion.IsFaulted, Is.True, "the source completed without a fault");
        Exception fault = source.Completion.Exception!.InnerException!;
        Assert.That(fault, Is.TypeOf<KafkaSourceException>(), fault.ToString());
        return (KafkaSourceException)fault;
    }

    private static async Task WaitUntil(Func<bool> condition, TimeSpan timeout, string what, SourceRig rig, bool throwOnTimeout = true)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout)
            {
                if (throwOnTimeout)
                {
                    throw new TimeoutException($"{what} did not happen within {timeout}: consumed={rig.Consumed} fault={rig.Source.Completion.Exception?.InnerException?.Message}");
                }

                return;
            }

            await Task.Delay(10);
        }
    }

    /// <summary>A source into a pipeline whose one stage counts.</summary>
    private sealed class SourceRig : IAsyncDisposable
    {
        private readonly Pipeline<Tick> _pipeline;
        private readonly StrongBox<long> _count = new();

        public SourceRig(KafkaSourceOptions options)
        {
            _pipeline = Pipeline<Tick>.Create(PipelineOptions.Default with { Name = "edge", Capacity = 1024, WaitStrategy = WaitStrategyKind.Blocking });
            _pipeline.HandleEventsWith(new CountStage(_count));
            Source = new KafkaSource<Tick>(_pipeline, TickCodec.Instance, options);
            _pipeline.Start();
            Source.Start();
        }

        public KafkaSource<Tick> Source { get; }

        public long Consumed => Volatile.Read(ref _count.Value);

        public async ValueTask DisposeAsync()
        {
            await Source.DisposeAsync();
            await _pipeline.DisposeAsync();
        }
    }

    private readonly struct CountStage(StrongBox<long> count) : IEventHandler<Tick>
    {
        public void OnEvent(ref Tick data, long sequence, bool endOfBatch) => Interlocked.Increment(ref count.Value);
    }
}

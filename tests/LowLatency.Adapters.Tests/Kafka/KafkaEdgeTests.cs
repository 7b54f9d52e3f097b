using System.Diagnostics;
using System.Runtime.CompilerServices;
using Confluent.Kafka;
using LowLatency.Adapters.Kafka;
using LowLatency.Engine.Pipelines;
using LowLatency.Engine.Processing;
using LowLatency.Testing.Kafka;
using Microsoft.Extensions.Logging;
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
            Assert.That(log.Lines, Has.Some.Match("^Warning: Kafka source 'edge': .*; waiting \\(bounded by BrokerTimeout\\)$"), "the wait is logged when it starts");
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
        // At least once: a session that expired during the outage (under load, before the first periodic commit) has
        // the group hand the partitions out again from the last commit, so the first feed may come twice (seen once in
        // a soak: 6,000 consumed for 4,000 ticks): wait for every tick, however often.
        await WaitUntil(() => rig.Distinct == 4_000, TimeSpan.FromSeconds(30), "every tick consumed after the broker came back", rig);
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

    /// <summary>
    /// Two Kafka tests under a CPU hog (a kafka-worker, a lab demo) each reported caught up and never finished. Both
    /// were past their last record, where what is left are librdkafka teardown calls (close, destroy) with no bound
    /// of their own. A close that never returns is held here at that point: the stop still completes within
    /// <see cref="KafkaSourceOptions.CloseTimeout"/>, and <see cref="KafkaSource{T}.Completion"/> says what it waited for.
    /// </summary>
    [Test]
    [CancelAfter(30_000)]
    public async Task Source_StopWhoseCloseNeverReturns_FaultsWithinCloseTimeoutSayingSo()
    {
        using var cluster = new KafkaMockCluster(brokers: 1);
        cluster.CreateTopic("ticks", 2);
        TickFeed.Produce(cluster.BootstrapServers, "ticks", 2, keys: 4, ticksPerKey: 100, seed: 5);
        using var held = new ManualResetEventSlim();
        await using var rig = new SourceRig(SourceOptions(cluster.BootstrapServers, "ticks") with { CloseTimeout = TimeSpan.FromSeconds(2) });
        await WaitUntil(() => rig.Consumed == 400, TimeSpan.FromSeconds(20), "all 400 ticks consumed", rig);
        rig.Source.BeforeClose = () => held.Wait();
        var clock = Stopwatch.StartNew();
        Task stopped = rig.Source.StopAsync();
        Task first = await Task.WhenAny(stopped, Task.Delay(TimeSpan.FromSeconds(2) + s_slack));
        TimeSpan elapsed = clock.Elapsed;
        held.Set();
        Assert.That(first, Is.SameAs(stopped), $"StopAsync did not complete within CloseTimeout + {s_slack}: a teardown that does not return held the stop");
        KafkaSourceException fault = Assert.ThrowsAsync<KafkaSourceException>(() => stopped)!;
        TestContext.Out.WriteLine($"{elapsed.TotalSeconds:0.0} s: {fault.Message}");
        Assert.Multiple(() =>
        {
            Assert.That(fault.Message, Does.Contain("leaving the group and freeing the client did not finish within CloseTimeout = 2 s"));
            Assert.That(elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(1.9)), "it waited the bound for the close");
        });
    }

    /// <summary>
    /// The rebalance test's rare stop failure under load, reproduced. Another member joined after the poll loop had
    /// stopped serving callbacks, so the revocation librdkafka handed to the application stayed queued; the close
    /// left the group first and served that revocation after, and a synchronous commit in it waited for a group
    /// that was gone: the close never returned. Both steps are held here in that order, on librdkafka's own log
    /// lines: the stop completes without a fault, and the offsets committed before the close stay committed.
    /// </summary>
    [Test]
    [CancelAfter(60_000)]
    public async Task Source_StopWhileAMemberJoins_LeavesWithoutWaitingOnTheGoneGroup()
    {
        using var cluster = new KafkaMockCluster(brokers: 1);
        cluster.CreateTopic("ticks", 2);
        TickFeed.Produce(cluster.BootstrapServers, "ticks", 2, keys: 4, ticksPerKey: 100, seed: 6);
        var log = new ListLogger(LogLevel.Debug);
        KafkaSourceOptions options = SourceOptions(cluster.BootstrapServers, "ticks") with
        {
            CloseTimeout = TimeSpan.FromSeconds(5),
            Settings = new Dictionary<string, string> { ["debug"] = "cgrp" },
            Logger = log,
        };
        await using var rig = new SourceRig(options);
        await WaitUntil(() => rig.Consumed == 400 && rig.Source.IsCaughtUp, TimeSpan.FromSeconds(20), "all 400 ticks consumed", rig);

        using var joinerStop = new CancellationTokenSource();
        Task? joiner = null;
        bool handedOver = false;
        bool goneFirst = false;
        rig.Source.BeforeClose = () =>
        {
            joiner = Task.Run(() => Join(cluster.BootstrapServers, options.GroupId, joinerStop.Token));
            handedOver = SpinWait.SpinUntil(() => log.Lines.Any(l => l.Contains("delegating revoke", StringComparison.Ordinal)), TimeSpan.FromSeconds(15));
            rig.Source.BeforeRevoke = () => goneFirst = SpinWait.SpinUntil(
                () => log.Lines.Any(l => l.Contains("Consumer group sub-system terminated", StringComparison.Ordinal)), TimeSpan.FromSeconds(15));
        };
        var clock = Stopwatch.StartNew();
        Task stopped = rig.Source.StopAsync();
        Task first = await Task.WhenAny(stopped, Task.Delay(options.CloseTimeout + s_slack));
        TimeSpan elapsed = clock.Elapsed;
        await joinerStop.CancelAsync();
        await (joiner ?? Task.CompletedTask);
        TestContext.Out.WriteLine($"stopped in {elapsed.TotalSeconds:0.0} s: {rig.Source.Completion.Exception?.InnerException?.Message}");
        Assert.Multiple(() =>
        {
            Assert.That(handedOver, Is.True, "librdkafka handed the joiner's rebalance to the application before the close (else this tested nothing)");
            Assert.That(goneFirst, Is.True, "the revocation was served after librdkafka had left the group (else this tested nothing)");
            Assert.That(first, Is.SameAs(stopped), "StopAsync returned");
            Assert.That(rig.Source.Completion.Exception?.InnerException?.Message, Is.Null, "the stop completed without a fault");
            Assert.That(cluster.CommittedTotal("ticks", options.GroupId, 2), Is.EqualTo(400), "every consumed tick's offset stayed committed");
        });
    }

    /// <summary>A plain member of <paramref name="group"/> that polls until cancelled; it never closes (no leave).</summary>
    private static void Join(string bootstrap, string group, CancellationToken stop)
    {
        var config = new ConsumerConfig { BootstrapServers = bootstrap, GroupId = group, SessionTimeoutMs = 1500, EnableAutoCommit = false };
        using IConsumer<Ignore, Ignore> consumer = new ConsumerBuilder<Ignore, Ignore>(config).SetLogHandler((_, _) => { }).Build();
        consumer.Subscribe("ticks");
        while (!stop.IsCancellationRequested)
        {
            consumer.Consume(50);
        }
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

    [Test]
    [CancelAfter(45_000)]
    public async Task Source_MalformedRecords_CountedPerReasonOnMeterAndDeadLettered()
    {
        using var cluster = new KafkaMockCluster(brokers: 1);
        cluster.CreateTopic("mixed", 1);
        cluster.CreateTopic("mixed-dlq", 1);
        var expectedOrigins = new List<long>();
        using (IProducer<Null, byte[]> producer = new ProducerBuilder<Null, byte[]>(cluster.ProducerConfig()).SetLogHandler((_, _) => { }).Build())
        {
            for (int i = 0; i < 30; i++)
            {
                byte[]? value = (i % 10) switch
                {
                    3 => new byte[TickCodec.Size + 1], // the 29-byte record of the issue
                    7 => null,                         // a tombstone
                    _ => TickCodec.Encode(new Tick { Key = i, Seq = i, Time = i, Price = 1 }),
                };
                if (i % 10 is 3 or 7)
                {
                    expectedOrigins.Add(i);
                }

                producer.Produce(new TopicPartition("mixed", 0), new Message<Null, byte[]> { Value = value! });
            }

            producer.Flush(TimeSpan.FromSeconds(10));
        }

        var meter = new Dictionary<string, long>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "lowlatency.kafka.consumer.malformed")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                if (tag.Key == "reason")
                {
                    lock (meter)
                    {
                        meter[(string)tag.Value!] = meter.GetValueOrDefault((string)tag.Value!) + value;
                    }
                }
            }
        });
        listener.Start();

        await using var rig = new SourceRig(SourceOptions(cluster.BootstrapServers, "mixed") with { DeadLetterTopic = "mixed-dlq" });
        await WaitUntil(() => rig.Source.IsCaughtUp && rig.Consumed == 24, TimeSpan.FromSeconds(20), "caught up", rig);
        var origins = new List<long>();
        var reasons = new List<string>();
        TopicReader.ReadToEnd(cluster.BootstrapServers, "mixed-dlq", 1, TimeSpan.FromSeconds(10), record =>
        {
            origins.Add(BitConverter.ToInt64(record.Message.Headers.GetLastBytes("lowlatency.source.offset")));
            reasons.Add(System.Text.Encoding.UTF8.GetString(record.Message.Headers.GetLastBytes("lowlatency.reason")));
        });

        Assert.Multiple(() =>
        {
            Assert.That(rig.Source.Consumed, Is.EqualTo(24), "the good records, none lost around the bad ones");
            Assert.That(rig.Source.MalformedOf(KafkaMalformedReason.Undecodable), Is.EqualTo(3));
            Assert.That(rig.Source.MalformedOf(KafkaMalformedReason.NullValue), Is.EqualTo(3));
            Assert.That(rig.Source.Malformed, Is.EqualTo(6));
            Assert.That(meter, Is.EquivalentTo(new Dictionary<string, long> { ["Undecodable"] = 3, ["NullValue"] = 3 }), "the meter counts per reason");
            Assert.That(rig.Source.DeadLettered, Is.EqualTo(6));
            Assert.That(origins, Is.EqualTo(expectedOrigins), "each dead letter names its origin offset, in order");
            Assert.That(reasons, Is.EqualTo(new[] { "Undecodable", "NullValue", "Undecodable", "NullValue", "Undecodable", "NullValue" }));
        });
    }

    [Test]
    [CancelAfter(45_000)]
    public async Task BarsWorker_TickWithOutOfRangeKey_CountedAndSkippedStageKeepsRunning(CancellationToken cancellationToken)
    {
        const int keys = 4;
        const long ticksPerKey = 200;
        using var cluster = new KafkaMockCluster(brokers: 1);
        cluster.CreateTopic("keyed", 2);
        cluster.CreateTopic("keyed-bars", 2);
        using (IProducer<Null, byte[]> producer = new ProducerBuilder<Null, byte[]>(cluster.ProducerConfig()).SetLogHandler((_, _) => { }).Build())
        {
            // The kcat tick with key 16 (maxKeys 16), and a negative key.
            producer.Produce(new TopicPartition("keyed", 0), new Message<Null, byte[]> { Value = TickCodec.Encode(new Tick { Key = 16, Seq = 1, Time = 5, Price = 1 }) });
            producer.Produce(new TopicPartition("keyed", 1), new Message<Null, byte[]> { Value = TickCodec.Encode(new Tick { Key = -1, Seq = 1, Time = 5, Price = 1 }) });
            producer.Flush(TimeSpan.FromSeconds(10));
        }

        TickFeed.Produce(cluster.BootstrapServers, "keyed", 2, keys, ticksPerKey, seed: 5);
        await using KafkaBarsWorker worker = KafkaBarsWorker.Start(cluster.BootstrapServers, "keyed", "keyed-bars", group: "keyed", maxKeys: 16);
        await worker.WaitCaughtUpAsync(TimeSpan.FromMilliseconds(200), cancellationToken);
        await worker.StopAsync();

        BarVerifier result = BarVerifier.Verify(cluster.BootstrapServers, "keyed-bars", 2, keys, ticksPerKey, TimeSpan.FromSeconds(20));
        TestContext.Out.WriteLine($"{result} {worker}");
        Assert.Multiple(() =>
        {
            Assert.That(worker.Pipeline.Fault, Is.Null, "the stage never fails on input from outside");
            Assert.That(worker.Windows.RejectedKeys, Is.EqualTo(2));
            Assert.That(result.Lost, Is.Zero);
            Assert.That(result.Duplicates, Is.Zero);
            Assert.That(worker.Sink!.SafeSequence, Is.EqualTo(keys * ticksPerKey + 2 - 1), "the rejected ticks are covered, so committed past");
        });
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

    /// <summary>A source into a pipeline whose one stage counts, all ticks and distinct ones.</summary>
    private sealed class SourceRig : IAsyncDisposable
    {
        private readonly Pipeline<Tick> _pipeline;
        private readonly StrongBox<long> _count = new();
        private readonly HashSet<(int Key, long Seq)> _seen = [];

        public SourceRig(KafkaSourceOptions options)
        {
            _pipeline = Pipeline<Tick>.Create(PipelineOptions.Default with { Name = "edge", Capacity = 1024, WaitStrategy = WaitStrategyKind.Blocking });
            _pipeline.HandleEventsWith(new CountStage(_count, _seen));
            Source = new KafkaSource<Tick>(_pipeline, TickCodec.Instance, options);
            _pipeline.Start();
            Source.Start();
        }

        public KafkaSource<Tick> Source { get; }

        public long Consumed => Volatile.Read(ref _count.Value);

        /// <summary>Ticks consumed at least once.</summary>
        public long Distinct
        {
            get
            {
                lock (_seen)
                {
                    return _seen.Count;
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await Source.DisposeAsync();
            await _pipeline.DisposeAsync();
        }
    }

    private readonly struct CountStage(StrongBox<long> count, HashSet<(int Key, long Seq)> seen) : IEventHandler<Tick>
    {
        public void OnEvent(ref Tick data, long sequence, bool endOfBatch)
        {
            Interlocked.Increment(ref count.Value);
            lock (seen)
            {
                seen.Add((data.Key, data.Seq));
            }
        }
    }
}

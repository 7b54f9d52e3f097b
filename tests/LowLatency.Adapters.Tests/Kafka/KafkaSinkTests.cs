using LowLatency.Adapters.Kafka;
using LowLatency.Testing.Kafka;
using NUnit.Framework;

namespace LowLatency.Adapters.Tests.Kafka;

[TestFixture]
[NonParallelizable]
public sealed class KafkaSinkTests
{
    [Test]
    [CancelAfter(60_000)]
    public async Task Produce_LibrdkafkaQueueFull_BackpressuresWithoutLoss()
    {
        const int seed = 1618;
        const int keys = 4;
        const long perKey = 100;
        using var cluster = new KafkaMockCluster(brokers: 1);
        cluster.CreateTopic("out-queue-full", 2);
        cluster.SetBrokerRtt(1, 50);
        await using var sink = new KafkaSink<Tick>(TickCodec.Instance, KafkaSinkOptions.Default with
        {
            BootstrapServers = cluster.BootstrapServers,
            Topic = "out-queue-full",
            Settings = new Dictionary<string, string> { ["queue.buffering.max.messages"] = "16" },
        });

        long sequence = 0;
        int accepted = 0;
        bool refused = false;
        for (long seq = 1; seq <= perKey; seq++)
        {
            for (int key = 0; key < keys; key++)
            {
                var tick = new Tick { Key = key, Seq = seq, Time = seq, Price = 1 };
                if (!refused)
                {
                    // With 16 slots and a 50 ms round trip, the queue fills long before the first acknowledgement.
                    refused = !sink.TryProduce(in tick, sequence);
                    if (!refused)
                    {
                        accepted++;
                        sequence++;
                        continue;
                    }
                }

                sink.Produce(in tick, sequence++);
            }
        }

        using (var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            await sink.FlushAsync(bound.Token); // throws if a delivery failed or the bound passed
        }

        TickVerifier result = TickVerifier.Verify(cluster.BootstrapServers, "out-queue-full", 2, keys, perKey, TimeSpan.FromSeconds(20));
        string report = $"seed={seed} acceptedBeforeFull={accepted} {result} delivered={sink.Delivered} safe={sink.SafeSequence}";
        TestContext.Out.WriteLine(report);
        Assert.Multiple(() =>
        {
            Assert.That(refused, Is.True, "TryProduce reported the full queue: " + report);
            Assert.That(accepted, Is.LessThanOrEqualTo(16), report);
            Assert.That(result.Lost, Is.Zero, report);
            Assert.That(result.Duplicates, Is.Zero, report);
            Assert.That(result.Reordered, Is.Zero, report);
            Assert.That(sink.SafeSequence, Is.EqualTo(keys * perKey - 1), "every record acknowledged covers every input: " + report);
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task FlushAsync_DeliveryFailed_ThrowsTheFailureAndLogsIt()
    {
        using var cluster = new KafkaMockCluster(brokers: 1);
        cluster.CreateTopic("out-flush-fail", 1);
        var log = new ListLogger();
        await using var sink = new KafkaSink<Tick>(TickCodec.Instance, KafkaSinkOptions.Default with
        {
            BootstrapServers = cluster.BootstrapServers,
            Topic = "out-flush-fail",
            DeliveryTimeout = TimeSpan.FromMilliseconds(500),
            Logger = log,
        });
        cluster.SetBrokerDown(1);
        sink.Produce(new Tick { Key = 1, Seq = 1, Time = 1, Price = 1 }, coversThrough: 0);

        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        KafkaSinkException? failure = null;
        try
        {
            await sink.FlushAsync(bound.Token);
        }
        catch (KafkaSinkException e)
        {
            failure = e;
        }

        TestContext.Out.WriteLine(failure?.Message);
        Assert.Multiple(() =>
        {
            Assert.That(failure, Is.Not.Null, "a failed delivery is reported by the flush, not returned as a bool to ignore");
            Assert.That(failure!.Message, Does.Contain("out-flush-fail"));
            Assert.That(sink.Failed, Is.EqualTo(1));
            Assert.That(log.Lines, Has.Some.Contains("delivery to 'out-flush-fail' failed"), "the failure reached the ILogger");
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task FlushAsync_Cancelled_ThrowsOperationCanceledPromptly()
    {
        using var cluster = new KafkaMockCluster(brokers: 1);
        cluster.CreateTopic("out-flush-cancel", 1);
        await using var sink = new KafkaSink<Tick>(TickCodec.Instance, KafkaSinkOptions.Default with
        {
            BootstrapServers = cluster.BootstrapServers,
            Topic = "out-flush-cancel",
        });
        cluster.SetBrokerDown(1);
        sink.Produce(new Tick { Key = 1, Seq = 1, Time = 1, Price = 1 }, coversThrough: 0);

        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.That(async () => await sink.FlushAsync(cancel.Token), Throws.InstanceOf<OperationCanceledException>());
        TestContext.Out.WriteLine($"cancelled after {clock.ElapsedMilliseconds} ms");
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)), "cancellation honoured, not the 30 s delivery timeout");
    }
}

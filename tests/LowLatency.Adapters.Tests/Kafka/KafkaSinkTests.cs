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
    public void Produce_LibrdkafkaQueueFull_BackpressuresWithoutLoss()
    {
        const int seed = 1618;
        const int keys = 4;
        const long perKey = 100;
        using var cluster = new KafkaMockCluster(brokers: 1);
        cluster.CreateTopic("out-queue-full", 2);
        cluster.SetBrokerRtt(1, 50);
        using var sink = new KafkaSink<Tick>(TickCodec.Instance, KafkaSinkOptions.Default with
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

        bool flushed = sink.Flush(TimeSpan.FromSeconds(30));
        TickVerifier result = TickVerifier.Verify(cluster.BootstrapServers, "out-queue-full", 2, keys, perKey, TimeSpan.FromSeconds(20));
        string report = $"seed={seed} acceptedBeforeFull={accepted} {result} delivered={sink.Delivered} safe={sink.SafeSequence}";
        TestContext.Out.WriteLine(report);
        Assert.Multiple(() =>
        {
            Assert.That(refused, Is.True, "TryProduce reported the full queue: " + report);
            Assert.That(accepted, Is.LessThanOrEqualTo(16), report);
            Assert.That(flushed, Is.True, report);
            Assert.That(result.Lost, Is.Zero, report);
            Assert.That(result.Duplicates, Is.Zero, report);
            Assert.That(result.Reordered, Is.Zero, report);
            Assert.That(sink.SafeSequence, Is.EqualTo(keys * perKey - 1), "every record acknowledged covers every input: " + report);
        });
    }
}

using Confluent.Kafka;
using LowLatency.Testing.Kafka;
using NUnit.Framework;

namespace LowLatency.Adapters.Tests.Kafka;

/// <summary>
/// The bundled librdkafka mock's retention, established by experiment: it keeps at most 5 MiB (or 100,000 record
/// batches) per partition and deletes the oldest batches beyond that, so a consumer further behind loses records it
/// never read. The lab's Kafka demo names such partitions (its log no longer starts at offset 0) instead of only
/// counting their records as lost; this is the fact it relies on.
/// </summary>
[TestFixture]
public sealed class KafkaMockRetentionTests
{
    private const int RecordBytes = 1024;

    [Test]
    [CancelAfter(60_000)]
    public void Produce_MoreThan5MiBToOnePartition_OldestRecordsDeletedAndTheLogStartMoves()
    {
        using var cluster = new KafkaMockCluster(brokers: 1);
        const string topic = "retention";
        cluster.CreateTopic(topic, partitions: 2);
        var partition = new TopicPartition(topic, 0);
        var payload = new byte[RecordBytes];

        // 8 MiB to partition 0, in batches of at most 64 records (so the size bound, not the batch count, applies).
        ProducerConfig config = cluster.ProducerConfig();
        config.BatchNumMessages = 64;
        using (IProducer<Null, byte[]> producer = new ProducerBuilder<Null, byte[]>(config).Build())
        {
            for (int i = 0; i < 8 * 1024; i++)
            {
                producer.Produce(partition, new Message<Null, byte[]> { Value = payload });
            }

            Assert.That(producer.Flush(TimeSpan.FromSeconds(30)), Is.Zero, "8 MiB not acknowledged within 30 s");
        }

        using IConsumer<Ignore, byte[]> consumer = new ConsumerBuilder<Ignore, byte[]>(new ConsumerConfig
        {
            BootstrapServers = cluster.BootstrapServers,
            GroupId = "retention-check",
            AutoOffsetReset = AutoOffsetReset.Earliest,
        }).Build();
        WatermarkOffsets kept = consumer.QueryWatermarkOffsets(partition, TimeSpan.FromSeconds(15));
        WatermarkOffsets untouched = consumer.QueryWatermarkOffsets(new TopicPartition(topic, 1), TimeSpan.FromSeconds(15));

        Assert.Multiple(() =>
        {
            Assert.That(kept.High.Value, Is.EqualTo(8 * 1024), "every record was appended");
            Assert.That(kept.Low.Value, Is.GreaterThan(0), "the oldest records were deleted");
            Assert.That((kept.High.Value - kept.Low.Value) * RecordBytes, Is.LessThanOrEqualTo(5 * 1024 * 1024 + (64 * (RecordBytes + 128))),
                "what is kept is about 5 MiB (a batch of slack)");
            Assert.That(untouched.Low.Value, Is.Zero, "a partition under the bound keeps its log from offset 0");
        });
    }
}

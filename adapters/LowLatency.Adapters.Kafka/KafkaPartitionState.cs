using Confluent.Kafka;

namespace LowLatency.Adapters.Kafka;

/// <summary>
/// One assigned partition, for one assignment: a partition revoked and assigned again gets a new object,
/// so stale ring entries pointing at the old one are recognised and never committed.
/// </summary>
/// <remarks>Every field is owned by the source's poll thread, except <see cref="Lag"/>, read by the metrics callback.</remarks>
internal sealed class KafkaPartitionState
{
    // (ring sequence, next offset to commit) checkpoints, oldest first, appended once per progress round.
    private readonly Queue<(long Sequence, long NextOffset)> _checkpoints = new();

    public KafkaPartitionState(TopicPartition topicPartition)
    {
        TopicPartition = topicPartition;
    }

    public TopicPartition TopicPartition { get; }

    public string Topic => TopicPartition.Topic;

    public int Partition => TopicPartition.Partition.Value;

    /// <summary>librdkafka's <c>rd_kafka_topic_t*</c> of <see cref="Topic"/>, learnt from the first record (0 until then): records are matched by it, not by name.</summary>
    public nint TopicHandle { get; set; }

    /// <summary>False once revoked or lost: its in-flight events are no longer committed by this source.</summary>
    public bool Assigned { get; set; } = true;

    public long MaxEventTime { get; set; } = long.MinValue;

    public long Watermark { get; set; } = long.MinValue;

    /// <summary>At its end offset, or silent past the idle timeout: excluded from the combined watermark.</summary>
    public bool Idle { get; set; }

    /// <summary>True when the last consume reached the partition's end offset.</summary>
    public bool AtEnd { get; set; }

    public long LastEventTimestamp { get; set; }

    /// <summary>Next offset of the newest record consumed (the consumer's position as this source sees it).</summary>
    public long Position { get; set; } = -1;

    /// <summary>Next offset to commit, already handed to librdkafka's offset store (−1: none yet).</summary>
    public long Stored { get; set; } = -1;

    /// <summary>Newest safe offset not yet stored.</summary>
    public long Committable { get; set; } = -1;

    /// <summary>Highest ring sequence seen for this partition in the current progress round; −1 when untouched.</summary>
    public long RoundSequence { get; set; } = -1;

    public long RoundNextOffset { get; set; }

    /// <summary>High watermark − position; written by the poll thread, read by the metrics callback.</summary>
    public long Lag;

    public void Checkpoint(long sequence, long nextOffset) => _checkpoints.Enqueue((sequence, nextOffset));

    /// <summary>Consumes checkpoints at or below <paramref name="safeSequence"/> into <see cref="Committable"/>.</summary>
    public void Advance(long safeSequence)
    {
        while (_checkpoints.TryPeek(out (long Sequence, long NextOffset) head) && head.Sequence <= safeSequence)
        {
            _checkpoints.Dequeue();
            Committable = head.NextOffset;
        }
    }

    public bool HasPending => _checkpoints.Count > 0;
}

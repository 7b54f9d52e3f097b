using Confluent.Kafka;

namespace LowLatency.Adapters.Kafka;

/// <summary>
/// Takes a <see cref="KafkaSource{T}"/>'s partitions over as exactly-once tasks: the owner, not the group's
/// committed offsets, says where each partition's input starts, and the source stores and commits no offsets
/// of its own. Every member runs on the source's poll thread, which publishes nothing meanwhile.
/// </summary>
internal interface IKafkaTaskOwner
{
    /// <summary>Restores each assigned task and returns where its input starts.</summary>
    List<TopicPartitionOffset> OnAssigned(List<TopicPartition> partitions, IConsumerGroupMetadata group);

    /// <summary>The pipeline has completed everything published: commit, then drop the revoked tasks.</summary>
    void OnRevoked(List<TopicPartitionOffset> partitions);

    /// <summary>The pipeline has completed everything published and nothing else is queued: a chance to commit.</summary>
    void OnIdle();
}

namespace LowLatency.Adapters.Kafka;

/// <summary>
/// A partition a running <see cref="KafkaSource{T}"/> gave up in a rebalance (revoked or lost), for a stage that keeps
/// state per partition at least once (<see cref="KafkaSource{T}.TryTakeRevoked"/>).
/// </summary>
/// <param name="Topic">The partition's topic.</param>
/// <param name="Partition">The partition.</param>
/// <param name="PublishedThrough">
/// The source's highest published sequence when it gave the partition up: every event of the partition that reached
/// the ring before is at or below it. State built from those events belongs to the partition's next owner, which reads
/// them again from the committed offset; state built from later events (the partition came back) is this worker's.
/// </param>
public readonly record struct KafkaRevokedPartition(string Topic, int Partition, long PublishedThrough);

using System.Collections.Concurrent;
using Confluent.Kafka;

namespace LowLatency.Adapters.Kafka;

/// <summary>
/// Rebalance callbacks, served on the poll thread inside the batch call (or, at stop, inside the close on the teardown
/// thread the poll thread waits for). Revocation finishes what is in flight (bounded), commits what is safe and forgets
/// the partitions; lost partitions are forgotten without a commit. Either way, a running source then tells the stages
/// that keep state per partition (<see cref="TryTakeRevoked"/>).
/// </summary>
public sealed partial class KafkaSource<T>
{
    // The most notices kept for a stage that never takes them: older ones are dropped (rebalances are rare; a stage
    // that keeps state per partition takes them at every batch end).
    private const int MaxRevokedNotices = 4096;

    // Written by the poll thread after a rebalance gave partitions up; taken by one stage thread.
    private readonly ConcurrentQueue<KafkaRevokedPartition> _revokedNotices = new();

    /// <summary>
    /// Takes the oldest notice of a partition this source gave up in a rebalance while running, for a stage that keeps
    /// state per partition at least once: it drops the state built from the partition's events up to
    /// <see cref="KafkaRevokedPartition.PublishedThrough"/>, since the gates held the partition's commit back to before
    /// that state's first input and its next owner rebuilds it from there. Such state otherwise stays in this worker
    /// for good, holding its commit gates back for every partition (and fired as duplicates at its stop). Partitions
    /// given up by the source's own stop are not noticed: its drain fires what it holds. One stage thread; never blocks.
    /// </summary>
    public bool TryTakeRevoked(out KafkaRevokedPartition revoked) => _revokedNotices.TryDequeue(out revoked);

    private List<TopicPartitionOffset> OnAssigned(IConsumer<Ignore, Ignore> consumer, List<TopicPartition> partitions)
    {
        if (_closing)
        {
            // An assignment left queued by a rebalance that ended after the poll loop stopped is served here, inside
            // the close: nothing will read these partitions, and librdkafka 2.16 may have no group left to describe
            // (the task owner's ConsumerGroupMetadata read crashed the process in rd_kafka_consumer_group_metadata_write).
            _logger.LogAssignmentInClose(_options.Name, partitions.Count);
            return partitions.ConvertAll(p => new TopicPartitionOffset(p, Offset.Unset));
        }

        List<TopicPartitionOffset> starts = _owner is null ? partitions.ConvertAll(p => new TopicPartitionOffset(p, Offset.Unset)) : AssignTasks(consumer, partitions);
        foreach (TopicPartition partition in partitions)
        {
            _assigned.Add(new KafkaPartitionState(partition) { LastEventTimestamp = _time.GetTimestamp() });
            _assignedPartitions.Add(partition);
        }

        _pauseStateStale = true;
        _lastState = null;
        Volatile.Write(ref _lagView, [.. _assigned]);
        UpdateCaughtUp();
        return starts;
    }

    private void OnRevoked(List<TopicPartitionOffset> partitions)
    {
        BeforeRevoke?.Invoke();
        FlushPublished();
        FinishInFlight(_options.RevocationTimeout, untilGatesSettle: true);
        RevokeTasks(partitions);
        List<KafkaPartitionState> revoked = Forget(partitions);
        if (!_closing)
        {
            // Only outside the close. In it the stop has committed already, and librdkafka commits what was stored
            // since when it unassigns; a synchronous commit there can wait forever: a revocation left queued by a
            // rebalance that began after the poll loop stopped serving callbacks is served only after librdkafka has
            // left the group, and a commit then gets no answer (librdkafka 2.16: KafkaEdgeTests.Source_StopWhileAMemberJoins_…).
            CommitStoredSync(revoked);
        }

        foreach (KafkaPartitionState state in revoked)
        {
            state.Assigned = false;
        }

        NoticeGivenUp(partitions);
        Volatile.Write(ref _revocations, _revocations + 1);
    }

    private void OnLost(List<TopicPartitionOffset> partitions)
    {
        FlushPublished();
        LoseTasks(partitions);
        foreach (KafkaPartitionState state in Forget(partitions))
        {
            state.Assigned = false;
        }

        NoticeGivenUp(partitions);
    }

    private void NoticeGivenUp(List<TopicPartitionOffset> partitions)
    {
        if (_stopRequested)
        {
            return;
        }

        long publishedThrough = _sequencer.Cursor.ValueAcquire;
        foreach (TopicPartitionOffset partition in partitions)
        {
            _revokedNotices.Enqueue(new KafkaRevokedPartition(partition.Topic, partition.Partition.Value, publishedThrough));
        }

        while (_revokedNotices.Count > MaxRevokedNotices && _revokedNotices.TryDequeue(out _))
        {
        }
    }

    private List<KafkaPartitionState> Forget(List<TopicPartitionOffset> partitions)
    {
        var forgotten = new List<KafkaPartitionState>(partitions.Count);
        foreach (TopicPartitionOffset partition in partitions)
        {
            int index = _assigned.FindIndex(s => s.TopicPartition == partition.TopicPartition);
            if (index >= 0)
            {
                forgotten.Add(_assigned[index]);
                _assigned.RemoveAt(index);
            }

            _assignedPartitions.Remove(partition.TopicPartition);
        }

        _lastState = null;
        Volatile.Write(ref _lagView, [.. _assigned]);
        RecomputeWatermark();
        UpdateCaughtUp();
        return forgotten;
    }
}

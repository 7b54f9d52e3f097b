using Confluent.Kafka;

namespace LowLatency.Adapters.Kafka;

/// <summary>
/// Rebalance callbacks, served on the poll thread inside the batch call (or, at stop, inside the close on the teardown
/// thread the poll thread waits for). Revocation finishes what is in flight (bounded), commits what is safe and forgets
/// the partitions; lost partitions are forgotten without a commit.
/// </summary>
public sealed partial class KafkaSource<T>
{
    private List<TopicPartitionOffset> OnAssigned(IConsumer<Ignore, Ignore> consumer, List<TopicPartition> partitions)
    {
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
        FlushPublished();
        FinishInFlight(_options.RevocationTimeout, untilGatesSettle: true);
        RevokeTasks(partitions);
        List<KafkaPartitionState> revoked = Forget(partitions);
        CommitStoredSync(revoked);
        foreach (KafkaPartitionState state in revoked)
        {
            state.Assigned = false;
        }

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

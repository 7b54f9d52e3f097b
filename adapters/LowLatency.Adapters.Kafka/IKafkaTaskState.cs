namespace LowLatency.Adapters.Kafka;

/// <summary>
/// The keyed state of an exactly-once job, split by task (input partition) so a task can move between
/// workers. <see cref="KafkaExactlyOnce{T}"/> calls it under its commit lock: <see cref="WriteState"/> on the
/// stage thread at a commit (or on the poll thread at a revocation, once the pipeline is idle);
/// <see cref="RestoreState"/> and <see cref="DropState"/> on the poll thread while no event of that partition
/// is in the ring.
/// </summary>
public interface IKafkaTaskState
{
    /// <summary>Writes the task's state (what a new owner needs to continue) and returns its length.</summary>
    int WriteState(int partition, Span<byte> destination);

    /// <summary>Replaces the task's state with <paramref name="state"/> (empty: a task that starts fresh).</summary>
    void RestoreState(int partition, ReadOnlySpan<byte> state);

    /// <summary>Forgets the task's state: it moved to another worker.</summary>
    void DropState(int partition);
}

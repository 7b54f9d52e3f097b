using Confluent.Kafka;

namespace LowLatency.Adapters.Kafka;

/// <summary>
/// Exactly-once: the source hands its partitions to a <see cref="KafkaExactlyOnce{TOut}"/> as tasks. The owner
/// says where each assigned partition starts (its restored offset), commits at revocations and idle moments
/// while this poll thread publishes nothing, and the source itself stores and commits no offsets.
/// </summary>
public sealed partial class KafkaSource<T>
{
    /// <summary>
    /// Makes this source's partitions exactly-once tasks: outputs, per-task state and input offsets commit in
    /// one Kafka transaction per <see cref="KafkaExactlyOnceOptions.CommitInterval"/> (see
    /// <see cref="KafkaExactlyOnce{TOut}"/>). Call before <see cref="Start"/>; one topic per source.
    /// </summary>
    /// <param name="encoder">Encodes the outputs.</param>
    /// <param name="state">The job's keyed state, split by input partition.</param>
    /// <param name="options">Topics, transactional id and commit interval.</param>
    /// <typeparam name="TOut">The output event type.</typeparam>
    public KafkaExactlyOnce<TOut> UseExactlyOnce<TOut>(IKafkaEncoder<TOut> encoder, IKafkaTaskState state, KafkaExactlyOnceOptions options)
        where TOut : struct
    {
        lock (_lock)
        {
            EnsureNotStarted();
            if (_owner is not null)
            {
                throw new InvalidOperationException($"Kafka source '{_options.Name}' is already exactly-once.");
            }

            if (_options.Topics.Count != 1)
            {
                KafkaOptionGuard.ThrowOption("KafkaSourceOptions.Topics", string.Join(',', _options.Topics), "an exactly-once source reads one topic (a task is one of its partitions).");
            }

            var owner = new KafkaExactlyOnce<TOut>(this, encoder, state, options);
            _owner = owner;
            return owner;
        }
    }

    private List<TopicPartitionOffset> AssignTasks(IConsumer<Ignore, Ignore> consumer, List<TopicPartition> partitions)
    {
        try
        {
            return _owner!.OnAssigned(partitions, consumer.ConsumerGroupMetadata);
        }
        catch (Exception e) when (IsTaskFailure(e))
        {
            FailTasks(e, "restoring");
            return partitions.ConvertAll(p => new TopicPartitionOffset(p, Offset.End));
        }
    }

    /// <summary>The pipeline must have completed every published event: a commit then covers exactly what was processed.</summary>
    private void RevokeTasks(List<TopicPartitionOffset> partitions)
    {
        if (_owner is null)
        {
            return;
        }

        if (_scanned < _sequencer.Cursor.ValueAcquire)
        {
            FailTasks(new KafkaFencedException($"the pipeline did not finish its in-flight events within RevocationTimeout = {_options.RevocationTimeout.TotalSeconds:0.#} s; the revoked tasks are left uncommitted"), "revoking");
            return;
        }

        try
        {
            _owner.OnRevoked(partitions);
        }
        catch (Exception e) when (IsTaskFailure(e))
        {
            FailTasks(e, "revoking");
        }
    }

    /// <summary>Lost partitions (the session expired) may already be someone else's: this worker may be a zombie.</summary>
    private void LoseTasks(List<TopicPartitionOffset> partitions)
    {
        if (_owner is not null)
        {
            FailTasks(new KafkaFencedException($"partitions {string.Join(", ", partitions.Select(p => p.Partition.Value))} lost (the group moved them: session expired); this worker may be a zombie"), "losing partitions");
        }
    }

    private void OfferIdleCommit()
    {
        if (_owner is null || _unpublishedFrom >= 0 || _pipeline.CompletedSequence != _sequencer.Cursor.ValueAcquire)
        {
            return;
        }

        try
        {
            _owner.OnIdle();
        }
        catch (Exception e) when (IsTaskFailure(e))
        {
            FailTasks(e, "committing");
        }
    }

    private static bool IsTaskFailure(Exception e) => e is KafkaException or KafkaSourceException or KafkaSinkException or KafkaFencedException or InvalidOperationException;

    private void FailTasks(Exception e, string doing)
    {
        Exception fault = e is KafkaFencedException
            ? new KafkaFencedException($"Kafka source '{_options.Name}' fenced while {doing}: {e.Message}", e)
            : new KafkaSourceException($"Kafka source '{_options.Name}': exactly-once failed while {doing}: {e.Message}", e);
        Interlocked.CompareExchange(ref _fault, fault, null);
    }
}

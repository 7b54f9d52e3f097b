using System.Diagnostics;
using Confluent.Kafka;

namespace LowLatency.Adapters.Kafka;

/// <summary>
/// The commit: flush the epoch's outputs, write each touched task's state record (state and next input offset)
/// and flush it, check that no other owner claimed a task meanwhile (a record of someone else between two of
/// ours), send the input offsets with the group's metadata, commit, open the next transaction.
/// </summary>
public sealed partial class KafkaExactlyOnce<T>
{
    private const int TransactionTimeoutMs = 60_000;

    private readonly List<TopicPartitionOffset> _offsets = [];

    private void CommitSlow()
    {
        lock (_lock)
        {
            CommitUnsynchronized();
        }
    }

    private void CommitUnsynchronized()
    {
        long started = Stopwatch.GetTimestamp();
        _nextCommit = started + _commitIntervalTicks;
        ThrowIfFaulted();
        bool any = false;
        foreach (KafkaTask? task in _tasks)
        {
            any |= task is { Touched: true };
        }

        if (!any)
        {
            return;
        }

        AwaitDeliveries("the epoch's outputs");
        _options.OnPoint?.Invoke(KafkaTransactionPoint.OutputsFlushed, -1);
        _offsets.Clear();
        foreach (KafkaTask? task in _tasks)
        {
            if (task is { Touched: true })
            {
                int length = WriteStateRecord(task, KafkaTaskRecordKind.Commit, task.Generation, task.Epoch + 1, basedOn: -1);
                Interlocked.Increment(ref _undelivered);
                _producer.Produce(new TopicPartition(_options.StateTopic, task.Partition), new Message<byte[], byte[]> { Value = _scratch[..length] }, _onStateDelivery);
                _offsets.Add(new TopicPartitionOffset(task.Input, new Offset(task.NextInputOffset)));
            }
        }

        AwaitDeliveries("the epoch's state records");
        _options.OnPoint?.Invoke(KafkaTransactionPoint.StateWritten, -1);
        foreach (KafkaTask? task in _tasks)
        {
            if (task is { Touched: true, MayHaveForeignRecords: true })
            {
                CheckNotClaimed(task);
            }
        }

        try
        {
            if (_group is not null)
            {
                _producer.SendOffsetsToTransaction(_offsets, _group, _options.TransactionTimeout);
            }

            _producer.CommitTransaction(_options.TransactionTimeout);
            _producer.BeginTransaction();
        }
        catch (KafkaException e)
        {
            Fail(e.Error.Code is ErrorCode.ProducerFenced or ErrorCode.InvalidProducerEpoch or ErrorCode.Local_Fenced
                ? new KafkaFencedException($"Exactly-once '{_options.Name}': fenced at commit: {e.Error.Code} {e.Error.Reason}", e)
                : new KafkaSinkException($"Exactly-once '{_options.Name}': commit failed: {e.Error.Code} {e.Error.Reason}", e));
            ThrowIfFaulted();
        }

        _options.OnPoint?.Invoke(KafkaTransactionPoint.Committed, -1);
        foreach (KafkaTask? task in _tasks)
        {
            if (task is { Touched: true })
            {
                task.Committed();
            }
        }

        long elapsed = Stopwatch.GetTimestamp() - started;
        Volatile.Write(ref _commitTicksTotal, _commitTicksTotal + elapsed);
        Volatile.Write(ref _commitTicksMax, Math.Max(_commitTicksMax, elapsed));
        Volatile.Write(ref _commits, _commits + 1);
    }

    /// <summary>Encodes the task's record into <c>_scratch</c>; returns its length.</summary>
    private int WriteStateRecord(KafkaTask task, KafkaTaskRecordKind kind, long generation, long epoch, long basedOn)
    {
        int stateLength = _state.WriteState(task.Partition, _scratch.AsSpan(KafkaTaskRecord.HeaderSize, _options.MaxStateBytes));
        return KafkaTaskRecord.WriteHeader(_scratch, kind, task.Token, generation, epoch, basedOn, task.NextInputOffset, stateLength);
    }

    /// <summary>
    /// Waits until every record produced so far is reported (its delivery callback ran). Not
    /// <c>IProducer.Flush</c>: while Confluent's background thread serves the delivery reports, Flush polls an
    /// empty queue in 10 ms slices and so returns up to 10 ms after the last acknowledgement (measured: 10–12 ms of
    /// a 100 ms epoch per flush, two flushes per commit).
    /// </summary>
    private void AwaitDeliveries(string what)
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(_options.TransactionTimeout.TotalSeconds * Stopwatch.Frequency);
        lock (_deliveries)
        {
            while (Volatile.Read(ref _undelivered) > 0)
            {
                long remaining = deadline - Stopwatch.GetTimestamp();
                if (remaining <= 0 || !Monitor.Wait(_deliveries, Stopwatch.GetElapsedTime(0, remaining)))
                {
                    Fail(new KafkaSinkException($"Exactly-once '{_options.Name}': {what} were not acknowledged within TransactionTimeout = {_options.TransactionTimeout.TotalSeconds:0.#} s."));
                    break;
                }
            }
        }

        ThrowIfFaulted();
    }

    /// <summary>A record's delivery was reported (delivered or failed); the last one wakes <see cref="AwaitDeliveries"/>.</summary>
    private void Delivered()
    {
        if (Interlocked.Decrement(ref _undelivered) == 0)
        {
            lock (_deliveries)
            {
                Monitor.PulseAll(_deliveries);
            }
        }
    }

    private void OnStateDelivery(DeliveryReport<byte[], byte[]> report)
    {
        try
        {
            if (report.Error.IsError)
            {
                Fail(new KafkaSinkException($"Exactly-once '{_options.Name}': state record to '{_options.StateTopic}' failed: {report.Error.Code} {report.Error.Reason}", new KafkaException(report.Error)));
            }
            else
            {
                Volatile.Write(ref TaskOf(report.Partition.Value).PendingStateOffset, report.Offset.Value);
            }
        }
        finally
        {
            Delivered(); // last: the committer it wakes must see the failure or the offset
        }
    }

    /// <summary>
    /// Someone wrote to the task's state partition since our last record: if it is a claim, the task is no
    /// longer ours and this worker is a zombie. (Commit markers lie between our records too, so a gap alone proves
    /// nothing; the records in it decide. Only a gap that can hold nothing but our last commit's marker is not read:
    /// <see cref="KafkaTask.MayHaveForeignRecords"/>.)
    /// </summary>
    private void CheckNotClaimed(KafkaTask task)
    {
        ReadStatePartition(task.Partition, task.LastStateOffset + 1, task.PendingStateOffset, (offset, record) =>
        {
            if (record is { Kind: KafkaTaskRecordKind.Claim } claim && claim.Token != task.Token)
            {
                Fail(new KafkaFencedException(
                    $"Exactly-once '{_options.Name}': task {task} was claimed by another worker (generation {claim.Generation}, state offset {offset}) while this one (generation {task.Generation}) still wrote it: this worker is a zombie and stops; its writes since are void."));
            }
        });
        if (Volatile.Read(ref _fault) is not null)
        {
            try
            {
                _producer.AbortTransaction(_options.TransactionTimeout);
            }
            catch (KafkaException)
            {
                // Fenced producers cannot abort; the broker aborts for them.
            }
        }

        ThrowIfFaulted();
    }
}

using System.Diagnostics;
using Confluent.Kafka;

namespace LowLatency.Adapters.Kafka;

/// <summary>
/// Commits, at least once. Every <see cref="KafkaSourceOptions.StoreInterval"/> a progress round scans the slots the
/// pipeline has completed, records one (sequence, next offset) checkpoint per partition, and hands librdkafka's
/// offset store the newest checkpoint every <see cref="ICommitGate"/> has also passed; librdkafka commits the store
/// every <see cref="KafkaSourceOptions.CommitInterval"/>, and the source commits synchronously on revocation and stop.
/// </summary>
public sealed partial class KafkaSource<T>
{
    private void ScanCompleted()
    {
        long completed = _pipeline.CompletedSequence;
        for (long sequence = _scanned + 1; sequence <= completed; sequence++)
        {
            long index = sequence & _mask;
            KafkaPartitionState? state = _stateOf[index];
            if (state is null || !state.Assigned)
            {
                continue;
            }

            if (state.RoundSequence < 0)
            {
                _touched.Add(state);
            }

            state.RoundSequence = sequence;
            state.RoundNextOffset = _offsetOf[index] + 1;
        }

        if (completed > _scanned)
        {
            _scanned = completed;
        }

        foreach (KafkaPartitionState state in _touched)
        {
            state.Checkpoint(state.RoundSequence, state.RoundNextOffset);
            state.RoundSequence = -1;
        }

        _touched.Clear();
    }

    /// <summary>The highest sequence the pipeline and every gate have finished with.</summary>
    private long SafeSequence()
    {
        long safe = _scanned;
        foreach (ICommitGate gate in _gates)
        {
            safe = Math.Min(safe, gate.SafeSequence);
        }

        return safe;
    }

    private void StoreSafeOffsets()
    {
        if (_owner is not null)
        {
            return;
        }

        long safe = SafeSequence();
        IConsumer<Ignore, Ignore> consumer = _consumer!;
        foreach (KafkaPartitionState state in _assigned)
        {
            state.Advance(safe);
            if (state.Committable > state.Stored)
            {
                consumer.StoreOffset(new TopicPartitionOffset(state.TopicPartition, new Offset(state.Committable)));
                state.Stored = state.Committable;
            }
        }
    }

    /// <summary>
    /// Waits, bounded by <paramref name="timeout"/>, until everything published is safe, storing offsets as
    /// it goes. With <paramref name="untilGatesSettle"/> it returns earlier, once the pipeline has completed
    /// everything and the gates have stopped advancing: on a revocation a window stage will not release
    /// events held in open windows however long the source waits, so waiting longer only delays the handover.
    /// </summary>
    private void FinishInFlight(TimeSpan timeout, bool untilGatesSettle)
    {
        long target = _sequencer.Cursor.ValueAcquire;
        long start = Stopwatch.GetTimestamp();
        long deadline = start + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        long settle = Math.Max(2 * _storeIntervalTicks, Stopwatch.Frequency / 20);
        long lastSafe = SafeSequence();
        long lastAdvance = start;
        while (true)
        {
            ScanCompleted();
            StoreSafeOffsets();
            long safe = SafeSequence();
            long now = Stopwatch.GetTimestamp();
            if (safe > lastSafe)
            {
                lastSafe = safe;
                lastAdvance = now;
            }

            if (safe >= target || now > deadline || _pipeline.Fault is not null ||
                (untilGatesSettle && _scanned >= target && now - lastAdvance >= settle))
            {
                return;
            }

            Thread.Sleep(1);
        }
    }

    private void CommitStoredSync(List<KafkaPartitionState> states)
    {
        if (_owner is not null)
        {
            return;
        }

        _toCommit.Clear();
        foreach (KafkaPartitionState state in states)
        {
            if (state.Assigned && state.Stored >= 0)
            {
                _toCommit.Add(new TopicPartitionOffset(state.TopicPartition, new Offset(state.Stored)));
            }
        }

        if (_toCommit.Count == 0)
        {
            return;
        }

        try
        {
            _consumer!.Commit(_toCommit);
        }
        catch (KafkaException)
        {
            // The offsets stay stored; the next commit (periodic or on close) retries them.
            Volatile.Write(ref _commitFailures, _commitFailures + 1);
        }
    }
}

using System.Diagnostics;
using Confluent.Kafka;

namespace LowLatency.Adapters.Kafka;

/// <summary>
/// Taking tasks over and handing them back. An assigned task's state partition is read to its end and judged
/// by <see cref="KafkaTaskLog"/>; the newest valid record is restored and a claim (new token, the restored
/// state, the offset it was restored from) is written and acknowledged before the task's input is fetched,
/// from the restored offset. A revoked task is committed, then dropped.
/// </summary>
public sealed partial class KafkaExactlyOnce<T>
{
    // Used under _lock only (restores on the poll thread, claim checks at commits).
    private readonly IConsumer<Ignore, byte[]> _reader;

    // Poll thread only, under _lock: claims are plain idempotent writes, acknowledged before the task starts.
    private readonly IProducer<Null, byte[]> _claimProducer;

    List<TopicPartitionOffset> IKafkaTaskOwner.OnAssigned(List<TopicPartition> partitions, IConsumerGroupMetadata group)
    {
        var starts = new List<TopicPartitionOffset>(partitions.Count);
        lock (_lock)
        {
            _group = group;
            foreach (TopicPartition partition in partitions)
            {
                starts.Add(Restore(partition));
            }
        }

        return starts;
    }

    void IKafkaTaskOwner.OnRevoked(List<TopicPartitionOffset> partitions)
    {
        lock (_lock)
        {
            _options.OnPoint?.Invoke(KafkaTransactionPoint.Revoking, -1);
            CommitUnsynchronized();
            foreach (TopicPartitionOffset partition in partitions)
            {
                int index = partition.Partition.Value;
                if (index < _tasks.Length && _tasks[index] is not null)
                {
                    _state.DropState(index);
                    _tasks[index] = null;
                    Volatile.Write(ref _owned, _owned - 1);
                }
            }
        }
    }

    private TopicPartitionOffset Restore(TopicPartition input)
    {
        int partition = input.Partition.Value;
        var log = new KafkaTaskLog();
        ReadStatePartition(partition, 0, long.MaxValue, log.Add);
        _options.OnPoint?.Invoke(KafkaTransactionPoint.Restoring, partition);
        KafkaTaskRecord? latest = log.Latest;
        ulong token = NewToken();
        long generation = (latest?.Generation ?? 0) + 1;
        long epoch = latest?.Epoch ?? 0;
        long nextInput = latest?.NextInputOffset ?? -1;
        ReadOnlyMemory<byte> state = latest?.State ?? ReadOnlyMemory<byte>.Empty;
        if (KafkaTaskRecord.HeaderSize + state.Length > _scratch.Length)
        {
            throw new KafkaSourceException($"Exactly-once '{_options.Name}': task {input.Topic}/{partition}'s state ({state.Length} bytes) exceeds MaxStateBytes = {_options.MaxStateBytes}.");
        }

        var claim = new byte[KafkaTaskRecord.HeaderSize + state.Length];
        state.Span.CopyTo(claim.AsSpan(KafkaTaskRecord.HeaderSize));
        KafkaTaskRecord.WriteHeader(claim, KafkaTaskRecordKind.Claim, token, generation, epoch, log.LatestOffset, nextInput, state.Length);
        long claimOffset = WriteClaim(partition, claim);
        _options.OnPoint?.Invoke(KafkaTransactionPoint.Claimed, partition);

        _state.RestoreState(partition, state.Span);
        if (partition >= _tasks.Length)
        {
            Array.Resize(ref _tasks, Math.Max(partition + 1, _tasks.Length * 2));
        }

        _tasks[partition] = new KafkaTask(input, token, generation, epoch, nextInput, claimOffset);
        Volatile.Write(ref _claims, _claims + 1);
        Volatile.Write(ref _owned, _owned + 1);
        return new TopicPartitionOffset(input, nextInput >= 0 ? new Offset(nextInput) : Offset.Beginning);
    }

    private long WriteClaim(int partition, byte[] claim)
    {
        long offset = -1;
        Error? error = null;
        _claimProducer.Produce(new TopicPartition(_options.StateTopic, partition), new Message<Null, byte[]> { Value = claim }, report =>
        {
            offset = report.Offset.Value;
            error = report.Error.IsError ? report.Error : null;
        });
        if (_claimProducer.Flush(_options.RestoreTimeout) > 0 || error is not null || offset < 0)
        {
            throw new KafkaSourceException($"Exactly-once '{_options.Name}': the claim of task {partition} on '{_options.StateTopic}' was not acknowledged within RestoreTimeout = {_options.RestoreTimeout.TotalSeconds:0.#} s ({error?.Reason ?? "no answer"}).");
        }

        return offset;
    }

    /// <summary>Hands each record of the task's state partition in [<paramref name="from"/>, <paramref name="until"/>) to <paramref name="onRecord"/>, up to the partition's end.</summary>
    private void ReadStatePartition(int partition, long from, long until, Action<long, KafkaTaskRecord?> onRecord)
    {
        var clock = Stopwatch.StartNew();
        var topicPartition = new TopicPartition(_options.StateTopic, partition);
        _reader.Assign(new TopicPartitionOffset(topicPartition, from > 0 ? new Offset(from) : Offset.Beginning));
        try
        {
            while (true)
            {
                if (clock.Elapsed > _options.RestoreTimeout)
                {
                    throw new KafkaSourceException($"Exactly-once '{_options.Name}': state partition {_options.StateTopic}/{partition} not read to its end within RestoreTimeout = {_options.RestoreTimeout.TotalSeconds:0.#} s.");
                }

                ConsumeResult<Ignore, byte[]>? result = _reader.Consume(100);
                if (result is null)
                {
                    continue;
                }

                if (result.IsPartitionEOF || result.Offset.Value >= until)
                {
                    return;
                }

                onRecord(result.Offset.Value, KafkaTaskRecord.TryDecode(result.Message.Value));
            }
        }
        finally
        {
            _reader.Unassign();
        }
    }

    private IConsumer<Ignore, byte[]> BuildReader() =>
        new ConsumerBuilder<Ignore, byte[]>(new ConsumerConfig
        {
            BootstrapServers = _options.BootstrapServers,
            GroupId = _options.TransactionalId + "-state-reader",
            EnableAutoCommit = false,
            EnablePartitionEof = true,
            IsolationLevel = IsolationLevel.ReadCommitted,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            FetchWaitMaxMs = 10, // a restore waits for the partition's end: do not let the broker hold an empty fetch
        })
            .SetLogHandler((_, message) => _logger.LogClient(message))
            .Build();

    private IProducer<Null, byte[]> BuildClaimProducer() =>
        new ProducerBuilder<Null, byte[]>(new ProducerConfig
        {
            BootstrapServers = _options.BootstrapServers,
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = 0,
            MessageTimeoutMs = (int)_options.RestoreTimeout.TotalMilliseconds,
        })
            .SetLogHandler((_, message) => _logger.LogClient(message))
            .Build();

    private static ulong NewToken()
    {
        ulong token;
        do
        {
            token = (ulong)Random.Shared.NextInt64() ^ ((ulong)Random.Shared.NextInt64() << 1);
        }
        while (token == 0);
        return token;
    }
}

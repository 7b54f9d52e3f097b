using Microsoft.Extensions.Logging;

namespace LowLatency.Adapters.Kafka;

/// <summary>Options of a <see cref="KafkaExactlyOnce{T}"/>. Immutable: change with <c>with</c>; checked when it is built.</summary>
public sealed record KafkaExactlyOnceOptions
{
    /// <summary>Commit every 100 ms, bound each transaction step by 10 s and each restore by 30 s.</summary>
    public static KafkaExactlyOnceOptions Default { get; } = new();

    /// <summary>Name in messages.</summary>
    public string Name { get; init; } = "exactly-once";

    /// <summary>Kafka <c>bootstrap.servers</c>.</summary>
    public string BootstrapServers { get; init; } = "localhost:9092";

    /// <summary>Topic the outputs go to (each record tagged, see <see cref="KafkaTransactionTag"/>).</summary>
    public string OutputTopic { get; init; } = "";

    /// <summary>
    /// Topic of claims and per-epoch state records, with at least as many partitions as the input (partition p
    /// holds task p). Not compacted: claims must outlive the records they void.
    /// </summary>
    public string StateTopic { get; init; } = "";

    /// <summary>
    /// The producer's <c>transactional.id</c>. Keep it stable per worker slot across restarts: on a real broker
    /// the restarted worker's producer then fences its predecessor's and aborts its open transaction.
    /// </summary>
    public string TransactionalId { get; init; } = "";

    /// <summary>How often the stage commits an epoch (outputs, state records and input offsets in one transaction).</summary>
    public TimeSpan CommitInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Bound of each transactional call (init, flush, send offsets, commit) and of a revocation's wait for an idle pipeline.</summary>
    public TimeSpan TransactionTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Bound of reading a task's state partition and writing its claim.</summary>
    public TimeSpan RestoreTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Largest encoded output key or value.</summary>
    public int MaxRecordBytes { get; init; } = 4096;

    /// <summary>Largest state of one task.</summary>
    public int MaxStateBytes { get; init; } = 1 << 20;

    /// <summary>Called at each <see cref="KafkaTransactionPoint"/> with the task's partition (−1 for a whole commit): tracing and fault injection.</summary>
    public Action<KafkaTransactionPoint, int>? OnPoint { get; init; }

    /// <summary>An <see cref="ILogger"/> for librdkafka and the protocol; none by default.</summary>
    public ILogger? Logger { get; init; }

    internal void Validate()
    {
        KafkaOptionGuard.CheckBootstrap("KafkaExactlyOnceOptions.BootstrapServers", BootstrapServers);
        foreach ((string option, string value) in new[] { ("OutputTopic", OutputTopic), ("StateTopic", StateTopic), ("TransactionalId", TransactionalId) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                KafkaOptionGuard.ThrowOption("KafkaExactlyOnceOptions." + option, value, "must not be empty.");
            }
        }

        if (CommitInterval < TimeSpan.FromMilliseconds(1) || CommitInterval > TimeSpan.FromMinutes(10))
        {
            KafkaOptionGuard.ThrowOption("KafkaExactlyOnceOptions.CommitInterval", CommitInterval, "must be in [1 ms, 10 min].");
        }

        if (TransactionTimeout < TimeSpan.FromMilliseconds(100) || RestoreTimeout < TimeSpan.FromMilliseconds(100))
        {
            KafkaOptionGuard.ThrowOption("KafkaExactlyOnceOptions.TransactionTimeout/RestoreTimeout", TransactionTimeout, "must be ≥ 100 ms.");
        }

        if (MaxRecordBytes is < 1 or > 1_000_000 || MaxStateBytes is < 1 or > 100_000_000)
        {
            KafkaOptionGuard.ThrowOption("KafkaExactlyOnceOptions.MaxRecordBytes/MaxStateBytes", MaxRecordBytes, "must be in [1, 1000000] / [1, 100000000].");
        }
    }
}

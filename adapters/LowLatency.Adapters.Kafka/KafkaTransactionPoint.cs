namespace LowLatency.Adapters.Kafka;

/// <summary>Where <see cref="KafkaExactlyOnce{T}"/> is in its protocol; reported to <see cref="KafkaExactlyOnceOptions.OnPoint"/> (tracing, fault injection).</summary>
public enum KafkaTransactionPoint
{
    /// <summary>Restoring an assigned task: its state topic read, its claim not yet written.</summary>
    Restoring,

    /// <summary>A task's claim is written; its input not yet fetched.</summary>
    Claimed,

    /// <summary>A commit began: outputs flushed, no state record written yet.</summary>
    OutputsFlushed,

    /// <summary>The epoch's state records are written, the transaction not yet committed.</summary>
    StateWritten,

    /// <summary>The transaction is committed.</summary>
    Committed,

    /// <summary>A revocation: the pipeline is idle, the revoked tasks not yet committed.</summary>
    Revoking,
}

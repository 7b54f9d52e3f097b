namespace LowLatency.Adapters.Kafka;

/// <summary>What a record of an exactly-once state topic says.</summary>
public enum KafkaTaskRecordKind : byte
{
    /// <summary>A worker took the task over: a new owner token, the state it restored, and the state offset it restored from.</summary>
    Claim = 1,

    /// <summary>One committed epoch of the task: its state and next input offset after the epoch's outputs.</summary>
    Commit = 2,
}

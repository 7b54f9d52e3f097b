namespace LowLatency.Adapters.Kafka;

/// <summary>
/// The one rule that decides, from a task's state-topic partition read in offset order, which epochs are
/// committed and which record a new owner restores from. Both the restoring worker and a reader of the
/// outputs apply it, so neither depends on the broker hiding aborted or zombie records.
/// </summary>
/// <remarks>
/// <para>A task changes hands only through a <see cref="KafkaTaskRecordKind.Claim"/>: the new owner restored
/// from the record at <see cref="KafkaTaskRecord.BasedOn"/>, so every record after that offset and before the
/// claim was written by an owner it did not see (a zombie, or a crashed owner's last write) and is void.
/// After a claim, only commits carrying the claimer's token count: a stale owner's later writes are void.</para>
/// <para>An output record is committed iff its (token, epoch) tag (<see cref="KafkaTransactionTag"/>) names a
/// committed epoch: outputs of an epoch whose commit record never landed, or landed void, are ignored. On a
/// real broker read with <c>read_committed</c> the same rule holds trivially; on librdkafka's mock, which
/// shows aborted and open transactions, it is what makes the output exactly once.</para>
/// </remarks>
public sealed class KafkaTaskLog
{
    // (offset, token, epoch) of valid records, in offset order; a claim pops the void suffix.
    private readonly List<(long Offset, ulong Token, long Epoch)> _valid = [];
    private readonly HashSet<(ulong Token, long Epoch)> _committed = [];
    private ulong _owner;

    /// <summary>The record a new owner restores from (the newest valid one), or null when the task has none.</summary>
    public KafkaTaskRecord? Latest { get; private set; }

    /// <summary>The state-topic offset of <see cref="Latest"/>; −1 when none.</summary>
    public long LatestOffset { get; private set; } = -1;

    /// <summary>Records found void (stale owner, or written after the record a later claim restored from).</summary>
    public long Void { get; private set; }

    /// <summary>Records read that were not task records.</summary>
    public long Malformed { get; private set; }

    /// <summary>Applies the record at <paramref name="offset"/>; records must come in offset order.</summary>
    public void Add(long offset, KafkaTaskRecord? record)
    {
        if (record is null)
        {
            Malformed++;
            return;
        }

        if (record.Kind == KafkaTaskRecordKind.Claim)
        {
            while (_valid.Count > 0 && _valid[^1].Offset > record.BasedOn)
            {
                (long _, ulong token, long epoch) = _valid[^1];
                _valid.RemoveAt(_valid.Count - 1);
                _committed.Remove((token, epoch));
                Void++;
            }

            _owner = record.Token;
        }
        else if (record.Token != _owner)
        {
            Void++;
            return;
        }

        _valid.Add((offset, record.Token, record.Epoch));
        _committed.Add((record.Token, record.Epoch));
        Latest = record;
        LatestOffset = offset;
    }

    /// <summary>True when an output tagged (<paramref name="token"/>, <paramref name="epoch"/>) belongs to a committed epoch of this task.</summary>
    public bool IsCommitted(ulong token, long epoch) => _committed.Contains((token, epoch));
}

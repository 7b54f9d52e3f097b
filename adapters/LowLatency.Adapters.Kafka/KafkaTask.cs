using Confluent.Kafka;

namespace LowLatency.Adapters.Kafka;

/// <summary>One exactly-once task (an input partition) as its current owner holds it.</summary>
/// <remarks>
/// Created by the poll thread under the commit lock before any of its events is published (the publish is the
/// release that hands it to the stage). <see cref="NextInputOffset"/>, <see cref="Touched"/> are then written
/// by the stage thread, read at commits under the lock while the stage is at a batch end or idle;
/// <see cref="PendingStateOffset"/> is written by the producer's delivery callback, read after a flush.
/// </remarks>
internal sealed class KafkaTask
{
    public KafkaTask(TopicPartition input, ulong token, long generation, long epoch, long nextInputOffset, long lastStateOffset)
    {
        Input = input;
        Token = token;
        Generation = generation;
        Epoch = epoch;
        NextInputOffset = nextInputOffset;
        LastStateOffset = lastStateOffset;
        OutputHeaders = TagFor(epoch + 1);
    }

    public TopicPartition Input { get; }

    public int Partition => Input.Partition.Value;

    public ulong Token { get; }

    public long Generation { get; }

    /// <summary>The last committed epoch; outputs produced now belong to <c>Epoch + 1</c>.</summary>
    public long Epoch { get; private set; }

    /// <summary>Offset of this owner's newest record in the state partition: a record between it and the next one is someone else's.</summary>
    public long LastStateOffset { get; set; }

    public long NextInputOffset;

    public bool Touched;

    // The record at LastStateOffset is a commit record of ours (followed by its transaction's marker), not the claim.
    private bool _lastStateCommitted;

    public long PendingStateOffset = -1;

    /// <summary>
    /// Another writer's record may lie between <see cref="LastStateOffset"/> and <see cref="PendingStateOffset"/>
    /// (read after the epoch's state records are acknowledged). No gap: none. A gap of one offset after a record of
    /// ours that a transaction committed: that offset is our transaction's commit marker, since the broker writes
    /// it before it lets the same producer's next transaction write to the partition (the mock, too: gap 1 at every
    /// steady commit). Anything else (after a claim, which is not transactional, or a wider gap) must be read.
    /// </summary>
    public bool MayHaveForeignRecords =>
        PendingStateOffset - LastStateOffset - 1 is var gap && (gap > 1 || (gap == 1 && !_lastStateCommitted));

    /// <summary>Headers of the outputs of the open epoch (one tag per epoch, shared by its records).</summary>
    public Headers OutputHeaders { get; private set; }

    public override string ToString() => $"{Input.Topic}/{Partition}";

    /// <summary>The epoch's commit record is in: the next epoch opens.</summary>
    public void Committed()
    {
        Epoch++;
        LastStateOffset = PendingStateOffset;
        _lastStateCommitted = true;
        PendingStateOffset = -1;
        Touched = false;
        OutputHeaders = TagFor(Epoch + 1);
    }

    private Headers TagFor(long epoch) => new() { { KafkaTransactionTag.HeaderName, KafkaTransactionTag.Encode(Token, epoch) } };
}

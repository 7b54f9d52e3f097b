using System.Buffers.Binary;

namespace LowLatency.Adapters.Kafka;

/// <summary>
/// One record of an exactly-once state topic (partition = the task's input partition): who owns the task
/// (<see cref="Token"/>, a random number per take-over), which epoch, where the input resumes and the task's
/// state. Wire form, little-endian: kind u8, token u64, generation i64, epoch i64, based-on i64, next input
/// offset i64, state length i32, state bytes.
/// </summary>
/// <param name="Kind">Claim or commit.</param>
/// <param name="Token">The owner's token: unique per take-over of the task.</param>
/// <param name="Generation">Take-overs of the task so far (for messages; <see cref="Token"/> decides).</param>
/// <param name="Epoch">The task's epoch: a claim keeps the restored epoch, each commit adds one.</param>
/// <param name="BasedOn">Claims: the state-topic offset of the record the claimer restored from (−1: none). Commits: −1.</param>
/// <param name="NextInputOffset">Where the task's input partition resumes (−1: from the beginning).</param>
/// <param name="State">The task's state as <see cref="IKafkaTaskState.WriteState"/> wrote it.</param>
public sealed record KafkaTaskRecord(KafkaTaskRecordKind Kind, ulong Token, long Generation, long Epoch, long BasedOn, long NextInputOffset, ReadOnlyMemory<byte> State)
{
    /// <summary>Bytes before the state.</summary>
    public const int HeaderSize = 1 + 8 + 8 + 8 + 8 + 8 + 4;

    /// <summary>Writes the header for a state of <paramref name="stateLength"/> bytes already at <c>destination[HeaderSize..]</c>; returns the record's length.</summary>
    public static int WriteHeader(Span<byte> destination, KafkaTaskRecordKind kind, ulong token, long generation, long epoch, long basedOn, long nextInputOffset, int stateLength)
    {
        destination[0] = (byte)kind;
        BinaryPrimitives.WriteUInt64LittleEndian(destination[1..], token);
        BinaryPrimitives.WriteInt64LittleEndian(destination[9..], generation);
        BinaryPrimitives.WriteInt64LittleEndian(destination[17..], epoch);
        BinaryPrimitives.WriteInt64LittleEndian(destination[25..], basedOn);
        BinaryPrimitives.WriteInt64LittleEndian(destination[33..], nextInputOffset);
        BinaryPrimitives.WriteInt32LittleEndian(destination[41..], stateLength);
        return HeaderSize + stateLength;
    }

    /// <summary>Decodes a record value; null when it is not one (wrong length or kind).</summary>
    public static KafkaTaskRecord? TryDecode(byte[]? value)
    {
        if (value is null || value.Length < HeaderSize || value[0] is not ((byte)KafkaTaskRecordKind.Claim or (byte)KafkaTaskRecordKind.Commit))
        {
            return null;
        }

        ReadOnlySpan<byte> span = value;
        int stateLength = BinaryPrimitives.ReadInt32LittleEndian(span[41..]);
        if (stateLength < 0 || stateLength != value.Length - HeaderSize)
        {
            return null;
        }

        return new KafkaTaskRecord(
            (KafkaTaskRecordKind)value[0],
            BinaryPrimitives.ReadUInt64LittleEndian(span[1..]),
            BinaryPrimitives.ReadInt64LittleEndian(span[9..]),
            BinaryPrimitives.ReadInt64LittleEndian(span[17..]),
            BinaryPrimitives.ReadInt64LittleEndian(span[25..]),
            BinaryPrimitives.ReadInt64LittleEndian(span[33..]),
            value.AsMemory(HeaderSize));
    }
}

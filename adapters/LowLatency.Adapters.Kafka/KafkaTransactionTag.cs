using System.Buffers.Binary;
using Confluent.Kafka;

namespace LowLatency.Adapters.Kafka;

/// <summary>
/// The header every exactly-once output record carries: the producing task's owner token and the epoch it
/// belongs to (16 bytes, little-endian). A reader keeps a record iff <see cref="KafkaTaskLog.IsCommitted"/>
/// holds for its tag.
/// </summary>
public static class KafkaTransactionTag
{
    /// <summary>The header's name.</summary>
    public const string HeaderName = "lowlatency-epoch";

    /// <summary>The header's value for (<paramref name="token"/>, <paramref name="epoch"/>).</summary>
    public static byte[] Encode(ulong token, long epoch)
    {
        var value = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(value, token);
        BinaryPrimitives.WriteInt64LittleEndian(value.AsSpan(8), epoch);
        return value;
    }

    /// <summary>Reads the tag of a record; false when it has none.</summary>
    public static bool TryRead(Headers? headers, out ulong token, out long epoch)
    {
        token = 0;
        epoch = 0;
        if (headers is null || !headers.TryGetLastBytes(HeaderName, out byte[] value) || value.Length != 16)
        {
            return false;
        }

        token = BinaryPrimitives.ReadUInt64LittleEndian(value);
        epoch = BinaryPrimitives.ReadInt64LittleEndian(value.AsSpan(8));
        return true;
    }
}

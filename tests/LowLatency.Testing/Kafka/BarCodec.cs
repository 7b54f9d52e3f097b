using System.Buffers.Binary;
using LowLatency.Adapters.Kafka;

namespace LowLatency.Testing.Kafka;

/// <summary>Fixed 44-byte little-endian wire form of <see cref="Bar"/>; the key is the 4-byte instrument id.</summary>
public sealed class BarCodec : IKafkaDecoder<Bar>, IKafkaEncoder<Bar>
{
    public const int Size = 44;

    public static BarCodec Instance { get; } = new();

    public bool TryDecode(ReadOnlySpan<byte> value, ref Bar destination)
    {
        if (value.Length != Size)
        {
            return false;
        }

        destination.Key = BinaryPrimitives.ReadInt32LittleEndian(value);
        destination.WindowStart = BinaryPrimitives.ReadInt64LittleEndian(value[4..]);
        destination.Count = BinaryPrimitives.ReadInt64LittleEndian(value[12..]);
        destination.FirstSeq = BinaryPrimitives.ReadInt64LittleEndian(value[20..]);
        destination.LastSeq = BinaryPrimitives.ReadInt64LittleEndian(value[28..]);
        destination.SumPrice = BinaryPrimitives.ReadInt64LittleEndian(value[36..]);
        return true;
    }

    public long GetEventTime(in Bar value) => value.WindowStart;

    public int EncodeKey(in Bar value, Span<byte> destination)
    {
        BinaryPrimitives.WriteInt32LittleEndian(destination, value.Key);
        return 4;
    }

    public int EncodeValue(in Bar value, Span<byte> destination)
    {
        BinaryPrimitives.WriteInt32LittleEndian(destination, value.Key);
        BinaryPrimitives.WriteInt64LittleEndian(destination[4..], value.WindowStart);
        BinaryPrimitives.WriteInt64LittleEndian(destination[12..], value.Count);
        BinaryPrimitives.WriteInt64LittleEndian(destination[20..], value.FirstSeq);
        BinaryPrimitives.WriteInt64LittleEndian(destination[28..], value.LastSeq);
        BinaryPrimitives.WriteInt64LittleEndian(destination[36..], value.SumPrice);
        return Size;
    }
}

using System.Buffers.Binary;
using LowLatency.Adapters.Kafka;

namespace LowLatency.Testing.Kafka;

/// <summary>Fixed 28-byte little-endian wire form of <see cref="Tick"/>; the key is the 4-byte instrument id.</summary>
public sealed class TickCodec : IKafkaDecoder<Tick>, IKafkaEncoder<Tick>
{
    public const int Size = 28;

    public static TickCodec Instance { get; } = new();

    public bool TryDecode(ReadOnlySpan<byte> value, ref Tick destination)
    {
        if (value.Length != Size)
        {
            return false;
        }

        destination.Key = BinaryPrimitives.ReadInt32LittleEndian(value);
        destination.Seq = BinaryPrimitives.ReadInt64LittleEndian(value[4..]);
        destination.Time = BinaryPrimitives.ReadInt64LittleEndian(value[12..]);
        destination.Price = BinaryPrimitives.ReadInt64LittleEndian(value[20..]);
        return true;
    }

    public long GetEventTime(in Tick value) => value.Time;

    public int EncodeKey(in Tick value, Span<byte> destination)
    {
        BinaryPrimitives.WriteInt32LittleEndian(destination, value.Key);
        return 4;
    }

    public int EncodeValue(in Tick value, Span<byte> destination)
    {
        BinaryPrimitives.WriteInt32LittleEndian(destination, value.Key);
        BinaryPrimitives.WriteInt64LittleEndian(destination[4..], value.Seq);
        BinaryPrimitives.WriteInt64LittleEndian(destination[12..], value.Time);
        BinaryPrimitives.WriteInt64LittleEndian(destination[20..], value.Price);
        return Size;
    }

    public static byte[] Encode(in Tick value)
    {
        var bytes = new byte[Size];
        Instance.EncodeValue(in value, bytes);
        return bytes;
    }
}

using System.Buffers.Binary;
using LowLatency.Adapters.Sockets;

namespace LowLatency.Adapters.Tests.Sockets;

/// <summary>32 bytes, little-endian: source u16, key u16, 4 zero bytes, key sequence i64, payload i64, checksum i64.</summary>
public readonly struct VerifiedTickCodec : IEventCodec<VerifiedTick>
{
    public int EventSize => 32;

    public void Encode(in VerifiedTick value, Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(destination, (ushort)value.Source);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[2..], (ushort)value.Key);
        BinaryPrimitives.WriteInt32LittleEndian(destination[4..], 0);
        BinaryPrimitives.WriteInt64LittleEndian(destination[8..], value.KeySequence);
        BinaryPrimitives.WriteInt64LittleEndian(destination[16..], value.Payload);
        BinaryPrimitives.WriteInt64LittleEndian(destination[24..], value.Checksum);
    }

    public void Decode(ReadOnlySpan<byte> source, ref VerifiedTick destination)
    {
        destination.Source = BinaryPrimitives.ReadUInt16LittleEndian(source);
        destination.Key = BinaryPrimitives.ReadUInt16LittleEndian(source[2..]);
        destination.KeySequence = BinaryPrimitives.ReadInt64LittleEndian(source[8..]);
        destination.Payload = BinaryPrimitives.ReadInt64LittleEndian(source[16..]);
        destination.Checksum = BinaryPrimitives.ReadInt64LittleEndian(source[24..]);
    }
}

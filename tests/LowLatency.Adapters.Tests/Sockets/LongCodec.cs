using System.Buffers.Binary;
using LowLatency.Adapters.Sockets;

namespace LowLatency.Adapters.Tests.Sockets;

/// <summary>The README vectors' codec: one little-endian i64.</summary>
public readonly struct LongCodec : IEventCodec<LongEvent>
{
    public int EventSize => 8;

    public void Encode(in LongEvent value, Span<byte> destination) => BinaryPrimitives.WriteInt64LittleEndian(destination, value.Value);

    public void Decode(ReadOnlySpan<byte> source, ref LongEvent destination) => destination.Value = BinaryPrimitives.ReadInt64LittleEndian(source);
}

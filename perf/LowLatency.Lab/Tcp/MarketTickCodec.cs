using System.Buffers.Binary;
using LowLatency.Adapters.Sockets;

namespace LowLatency.Lab.Tcp;

/// <summary>
/// Wire layout of <see cref="MarketTick"/> (schema id <see cref="SchemaId"/>), 32 bytes, little-endian:
/// <c>0–7</c> timestamp i64 ns, <c>8–15</c> price IEEE-754 f64, <c>16–23</c> quantity i64,
/// <c>24–27</c> instrument id i32, <c>28–31</c> flags u32.
/// </summary>
internal readonly struct MarketTickCodec : IEventCodec<MarketTick>
{
    /// <summary>"MTK1": the hello's schema id for this layout.</summary>
    public const uint SchemaId = 0x314B544D;

    public int EventSize => 32;

    public void Encode(in MarketTick value, Span<byte> destination)
    {
        destination = destination[..32];
        BinaryPrimitives.WriteInt64LittleEndian(destination, value.Timestamp);
        BinaryPrimitives.WriteDoubleLittleEndian(destination[8..], value.Price);
        BinaryPrimitives.WriteInt64LittleEndian(destination[16..], value.Quantity);
        BinaryPrimitives.WriteInt32LittleEndian(destination[24..], value.InstrumentId);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[28..], value.Flags);
    }

    public void Decode(ReadOnlySpan<byte> source, ref MarketTick destination)
    {
        source = source[..32];
        destination.Timestamp = BinaryPrimitives.ReadInt64LittleEndian(source);
        destination.Price = BinaryPrimitives.ReadDoubleLittleEndian(source[8..]);
        destination.Quantity = BinaryPrimitives.ReadInt64LittleEndian(source[16..]);
        destination.InstrumentId = BinaryPrimitives.ReadInt32LittleEndian(source[24..]);
        destination.Flags = BinaryPrimitives.ReadUInt32LittleEndian(source[28..]);
    }
}

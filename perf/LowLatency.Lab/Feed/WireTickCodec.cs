using System.Buffers.Binary;
using System.Diagnostics;
using LowLatency.Adapters.Sockets;
using LowLatency.Lab.Tcp;

namespace LowLatency.Lab.Feed;

/// <summary>
/// Decodes the lab's TCP tick (<see cref="MarketTickCodec"/>, schema "MTK1", 32 bytes) straight into the
/// demo's <see cref="DemoTick"/> in a claimed ring slot. The wire tick has no per-symbol sequence or
/// checksum, so ingress stamps them (<see cref="IngressLedger"/>): the verifier then checks the in-process
/// pipeline from ring to sink. Latency is measured from arrival (the sender's clock is another process's).
/// </summary>
internal readonly struct WireTickCodec(IngressLedger ledger) : IEventCodec<DemoTick>
{
    public int EventSize => 32;

    public void Encode(in DemoTick value, Span<byte> destination)
    {
        destination = destination[..32];
        BinaryPrimitives.WriteInt64LittleEndian(destination, value.EventTimeNs);
        BinaryPrimitives.WriteDoubleLittleEndian(destination[8..], value.PriceTicks / DemoTick.TicksPerUnit);
        BinaryPrimitives.WriteInt64LittleEndian(destination[16..], value.Quantity);
        BinaryPrimitives.WriteInt32LittleEndian(destination[24..], value.Symbol);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[28..], 0);
    }

    public void Decode(ReadOnlySpan<byte> source, ref DemoTick destination)
    {
        source = source[..32];
        int symbol = (int)((uint)BinaryPrimitives.ReadInt32LittleEndian(source[24..]) % (uint)ledger.Symbols);
        destination = new DemoTick
        {
            Source = 0,
            Symbol = symbol,
            SymbolSequence = ledger.NextSequence(symbol),
            EventTimeNs = BinaryPrimitives.ReadInt64LittleEndian(source),
            PriceTicks = (long)Math.Round(BinaryPrimitives.ReadDoubleLittleEndian(source[8..]) * DemoTick.TicksPerUnit),
            Quantity = (int)Math.Clamp(BinaryPrimitives.ReadInt64LittleEndian(source[16..]), int.MinValue, int.MaxValue),
            IntendedSendTimestamp = Stopwatch.GetTimestamp(),
        };
        destination.Checksum = TickChecksum.Compute(destination);
    }
}

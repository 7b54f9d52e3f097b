namespace LowLatency.Lab.Tcp;

/// <summary>
/// A market data tick as it travels between lab processes (<c>feed --connect</c> → <c>demo --listen</c>) and
/// through the TCP benchmarks: 32 bytes on the wire, layout in <see cref="MarketTickCodec"/>.
/// </summary>
internal struct MarketTick
{
    /// <summary>Event time, nanoseconds (the sender's clock).</summary>
    public long Timestamp;

    /// <summary>Price.</summary>
    public double Price;

    /// <summary>Quantity traded or quoted.</summary>
    public long Quantity;

    /// <summary>Instrument id (dense, 0-based in the lab feed).</summary>
    public int InstrumentId;

    /// <summary>Bit 0: 1 = sell side / ask; other bits zero.</summary>
    public uint Flags;
}

using System.Runtime.InteropServices;

namespace LowLatency.Lab.Feed;

/// <summary>
/// One market-data tick as it travels the demo pipeline. Each stage owns the fields it writes, and a stage
/// only reads fields written by the stages before it (the ring orders those writes for it).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct DemoTick
{
    // Written by the feed (the producer). Covered by Checksum.
    public int Source;
    public int Symbol;
    public long SymbolSequence;
    public long EventTimeNs;
    public long PriceTicks;
    public int Quantity;
    public uint Checksum;

    // Written by the feed, not covered by Checksum: when the open-loop schedule meant to send this tick
    // (Stopwatch ticks). Latency is measured from here, so a stalled producer cannot hide queueing delay.
    public long IntendedSendTimestamp;

    // Written by the validate/enrich stage.
    public TickStatus Status;
    public double Price;
    public double Notional;

    // Written by the window stage: the symbol's last closed 1 s VWAP and last closed 5 s volume.
    public double ReferenceVwap;
    public long RecentVolume;

    // Written by the risk stage.
    public RiskVerdict Verdict;

    /// <summary>Price ticks per currency unit (four decimals, like most equity feeds).</summary>
    public const double TicksPerUnit = 10_000;
}

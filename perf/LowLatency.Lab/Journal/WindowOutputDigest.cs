using LowLatency.Engine.Windowing;

namespace LowLatency.Lab.Journal;

/// <summary>
/// Every window result a run emitted, folded in emission order into 64 bits (FNV-1a over 64-bit words: key,
/// bounds, version, finality and the accumulator's fields), and counted. Written by the window stage's thread.
/// </summary>
internal sealed class WindowOutputDigest
{
    private const ulong Prime = 0x100000001B3UL;

    public ulong Hash { get; private set; } = 0xCBF29CE484222325UL;

    public long Results { get; private set; }

    public void Add(in WindowResult<long, VwapAccumulator> result)
    {
        Mix((ulong)result.Key);
        Mix((ulong)result.Start);
        Mix((ulong)result.End);
        Mix((ulong)(uint)result.Version << 1 | (result.IsFinal ? 1UL : 0UL));
        Mix((ulong)BitConverter.DoubleToInt64Bits(result.Value.Notional));
        Mix((ulong)BitConverter.DoubleToInt64Bits(result.Value.Volume));
        Mix((ulong)result.Value.Trades);
        Results++;
    }

    /// <summary>A late trade is output too (a side output): its symbol and time, marked apart from results.</summary>
    public void AddLate(long symbol, long timestamp)
    {
        Mix(~(ulong)symbol);
        Mix((ulong)timestamp);
        Results++;
    }

    public void Write(BinaryWriter writer)
    {
        writer.Write(Hash);
        writer.Write(Results);
    }

    public void Read(BinaryReader reader)
    {
        Hash = reader.ReadUInt64();
        Results = reader.ReadInt64();
    }

    private void Mix(ulong word) => Hash = (Hash ^ word) * Prime;
}

using LowLatency.Lab.Feed;

namespace LowLatency.Lab.Demo;

/// <summary>
/// What the demo computed, folded into 64 bits in sequence order (FNV-1a over 64-bit words): each tick's identity
/// and every field a stage wrote (validation status, price, notional, the window stage's reference VWAP and 5 s
/// volume, the risk verdict). The window results reach it through the fields they stamp. A replay of the same
/// journal gives the same value; a different window, verdict or order gives another.
/// </summary>
internal struct OutputHash
{
    private const ulong Prime = 0x100000001B3UL;
    private ulong _value;

    public static OutputHash Empty => new() { _value = 0xCBF29CE484222325UL };

    public readonly ulong Value => _value;

    public static string Format(ulong value) => value.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);

    public void Add(in DemoTick tick)
    {
        Mix((ulong)(uint)tick.Source << 32 | (uint)tick.Symbol);
        Mix((ulong)tick.SymbolSequence);
        Mix((ulong)tick.Status << 32 | (uint)tick.Verdict);
        Mix((ulong)BitConverter.DoubleToInt64Bits(tick.Price));
        Mix((ulong)BitConverter.DoubleToInt64Bits(tick.Notional));
        Mix((ulong)BitConverter.DoubleToInt64Bits(tick.ReferenceVwap));
        Mix((ulong)tick.RecentVolume);
    }

    private void Mix(ulong word) => _value = (_value ^ word) * Prime;
}

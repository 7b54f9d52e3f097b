using System.Runtime.CompilerServices;

namespace LowLatency.Lab.Feed;

/// <summary>
/// The payload checksum a verifier recomputes: a 64-bit mix (SplitMix64 finalizer) of every field the feed
/// writes, folded to 32 bits. Deterministic across processes, unlike <see cref="HashCode"/>.
/// </summary>
internal static class TickChecksum
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Compute(in DemoTick tick)
    {
        ulong h = (ulong)(uint)tick.Source | ((ulong)(uint)tick.Symbol << 32);
        h = Mix(h ^ (ulong)tick.SymbolSequence);
        h = Mix(h ^ (ulong)tick.EventTimeNs);
        h = Mix(h ^ (ulong)tick.PriceTicks);
        h = Mix(h ^ (uint)tick.Quantity);
        return (uint)(h ^ (h >> 32));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

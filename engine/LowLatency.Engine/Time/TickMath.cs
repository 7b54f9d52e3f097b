using System.Runtime.CompilerServices;

namespace LowLatency.Engine.Time;

/// <summary>Tick arithmetic that saturates at the ends of Int64 instead of wrapping: no timestamp, however extreme, turns into its opposite.</summary>
internal static class TickMath
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long SaturatingAdd(long a, long b) => b >= 0
        ? (a > long.MaxValue - b ? long.MaxValue : a + b)
        : (a < long.MinValue - b ? long.MinValue : a + b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long SaturatingSubtract(long a, long b) => b >= 0
        ? (a < long.MinValue + b ? long.MinValue : a - b)
        : (a > long.MaxValue + b ? long.MaxValue : a - b);

    /// <summary><c>x mod m</c> in <c>[0, m)</c>, for any <paramref name="x"/> and <paramref name="m"/> &gt; 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long FloorMod(long x, long m)
    {
        long r = x % m;
        return r < 0 ? r + m : r;
    }

    /// <summary>The smallest <c>y ≥ x</c> with <c>y ≡ phase (mod m)</c>; false when it exceeds <see cref="long.MaxValue"/>.</summary>
    public static bool TryAlignUp(long x, long phase, long m, out long y)
    {
        long pad = FloorMod(FloorMod(phase, m) - FloorMod(x, m), m); // each term in [0, m): no overflow
        if (x > long.MaxValue - pad)
        {
            y = long.MaxValue;
            return false;
        }

        y = x + pad;
        return true;
    }

    /// <summary>The largest <c>y ≤ x</c> with <c>y ≡ phase (mod m)</c>, exactly (Int128: it may lie outside Int64).</summary>
    public static Int128 AlignDown(Int128 x, long phase, long m)
    {
        Int128 r = (x - phase) % m;
        return x - (r < 0 ? r + m : r);
    }
}

using System.Runtime.CompilerServices;
using LowLatency.Engine.Time;

namespace LowLatency.Engine.Windowing;

/// <summary>
/// When a window fires and when it is purged (DESIGN.md §4), as bounds on its end so nothing overflows anywhere in
/// Int64: a window has fired at watermark W when <c>end ≤ FireBound(W)</c> (<c>end − 1 ≤ W</c>) and is purged when
/// <c>end ≤ PurgeBound(W, L)</c> (<c>end − 1 + L ≤ W</c>). A watermark of <see cref="long.MaxValue"/> is +∞ (end of
/// stream): every window has fired and is purged, whatever its lateness.
/// </summary>
internal static class WindowBounds
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long FireBound(long watermark) => watermark == long.MaxValue ? long.MaxValue : watermark + 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long PurgeBound(long watermark, long lateness) =>
        lateness == 0 || watermark == long.MaxValue ? FireBound(watermark) : TickMath.SaturatingSubtract(watermark, lateness - 1);

    /// <summary>The lowest watermark at which a window ending at <paramref name="end"/> is purged (saturating: +∞ is reached at drain).</summary>
    public static long PurgeAt(long end, long lateness) => TickMath.SaturatingAdd(end - 1, lateness);
}

using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LowLatency.Engine.Sequencing;

/// <summary>
/// Publish timestamps of one sequence in <see cref="Interval"/>: the sampled sequences are the multiples
/// of the interval, whatever the batch boundaries, so producers and stages agree on them without talking.
/// </summary>
/// <remarks>
/// <para>Reading the clock per event is impossible at hundreds of millions of events a second; a clock
/// read per sampled sequence (one in 1024 by default) costs a few picoseconds per event.</para>
/// <para>Slots: <c>max(1, capacity / interval)</c>, indexed by <c>(sequence / interval) mod slots</c>. The
/// sampled sequence that next reuses a slot is at least <c>capacity</c> further on, so it cannot be
/// claimed before every gating stage has passed (and recorded) the previous one. A producer writes the
/// stamp before its release store of the sequence; a stage reads it after its acquire load of that
/// publication and before releasing its own sequence past it.</para>
/// </remarks>
internal sealed class LatencyStamps
{
    // Written by the producer that publishes the sampled sequence; read by stages (see remarks).
    private readonly long[] _stamps;
    private readonly int _shift;
    private readonly long _slotMask;

    // Single producer only, producer thread only: the lowest sampled sequence not stamped yet. Written
    // once per Interval sequences; stages touch this object only when they record a sample.
    private long _nextSample;

    public LatencyStamps(int capacity, int interval)
    {
        Debug.Assert(int.IsPow2(interval) && int.IsPow2(capacity), "both are validated powers of two");
        Interval = interval;
        Mask = interval - 1;
        _shift = BitOperations.Log2((uint)interval);
        _stamps = new long[Math.Max(1, capacity / interval)];
        _slotMask = _stamps.Length - 1;
    }

    /// <summary>One sequence in this many is stamped (a power of two).</summary>
    public int Interval { get; }

    /// <summary><see cref="Interval"/> − 1.</summary>
    public long Mask { get; }

    /// <summary>
    /// Single producer, before publishing up to <paramref name="sequence"/>: stamps every sampled sequence
    /// not stamped yet, however the claims were sized. One load and a compare per publication.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void StampUpTo(long sequence)
    {
        if (sequence >= _nextSample)
        {
            StampUpToSlow(sequence);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void StampUpToSlow(long sequence)
    {
        long now = Stopwatch.GetTimestamp();
        for (long k = _nextSample; k <= sequence; k += Interval)
        {
            Slot(k) = now;
        }

        _nextSample = (sequence & ~Mask) + Interval;
    }

    /// <summary>Multi producer: stamps every sampled sequence in [<paramref name="low"/>, <paramref name="high"/>] (before publishing them).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Stamp(long low, long high)
    {
        if ((high & ~Mask) >= low)
        {
            StampSlow(low, high);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void StampSlow(long low, long high)
    {
        long now = Stopwatch.GetTimestamp();
        for (long k = (low + Mask) & ~Mask; k <= high; k += Interval)
        {
            Slot(k) = now;
        }
    }

    /// <summary>The publish timestamp of sampled sequence <paramref name="sequence"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Read(long sequence) => Slot(sequence);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref long Slot(long sequence) =>
        ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_stamps), (nint)((sequence >> _shift) & _slotMask));
}

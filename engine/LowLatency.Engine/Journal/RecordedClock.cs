using System.Numerics;
using System.Runtime.CompilerServices;

namespace LowLatency.Engine.Journal;

/// <summary>
/// The processing-clock reading that came with each event, one per ring slot. Live, the journaling stage
/// writes the reading of each batch it journals; in a replay, the replay writes the recorded readings.
/// Stages after the journaling stage read their processing time here (<see cref="RecordedClockWindowStage{TEvent, TOperator}"/>)
/// instead of from a clock, so processing-time windows, idleness and early firings see the same time at
/// the same events in the recorded run and in every replay.
/// </summary>
/// <remarks>
/// The slot of sequence s is written by the journaling stage (or the replaying producer) before s is
/// released to the next stage, and read by later stages while they handle s: the ring's own gating orders
/// the accesses, exactly as for the event in the slot, and keeps a slot from being rewritten before every
/// terminal stage has passed it.
/// </remarks>
public sealed class RecordedClock
{
    private readonly long[] _readings;
    private readonly long _mask;

    /// <summary>Creates the clock for a ring of <paramref name="capacity"/> slots (a power of two).</summary>
    public RecordedClock(int capacity)
    {
        if (capacity < 1 || !BitOperations.IsPow2(capacity))
        {
            ThrowHelper.ThrowOption(nameof(capacity), capacity, "must be the ring's capacity (a power of two).");
        }

        _readings = new long[capacity];
        _mask = capacity - 1;
    }

    /// <summary>Slots: the capacity of the ring it serves.</summary>
    public int Capacity => _readings.Length;

    /// <summary>The reading recorded with the event at <paramref name="sequence"/>.</summary>
    public long this[long sequence]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _readings[sequence & _mask];
    }

    /// <summary>Records <paramref name="reading"/> for <paramref name="count"/> events from <paramref name="firstSequence"/> on.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Set(long firstSequence, int count, long reading)
    {
        int index = (int)(firstSequence & _mask);
        int first = Math.Min(count, _readings.Length - index);
        _readings.AsSpan(index, first).Fill(reading);
        if (first < count)
        {
            _readings.AsSpan(0, count - first).Fill(reading);
        }
    }
}

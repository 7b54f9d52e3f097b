using System.Runtime.CompilerServices;
using LowLatency.Engine.Sequencing;

namespace LowLatency.Adapters.Kafka;

/// <summary>
/// High/low occupancy marks over a ring, read by its single producer: above the high mark the producer
/// stops taking input, and starts again only once the ring has drained to the low mark, so it does not
/// flap around one threshold.
/// </summary>
/// <remarks>
/// Isolated here because it reads the ring's gating sequences directly; when the engine's flow-control
/// signals (<c>LowLatency.Engine.Flow</c>) land, this is the one type that changes. Owned by the producer
/// thread: the cached minimum is a plain field. The fast path compares against the cached minimum of the
/// gating sequences (it can only be stale low, so it can only over-report occupancy) and reads the real
/// gating sequences, cache lines the stages write, only when the cached answer says "high".
/// </remarks>
internal sealed class OccupancyHysteresis
{
    private readonly Sequencer _sequencer;
    private readonly long _high;
    private readonly long _low;
    private long _cachedMinimum = Sequence.InitialValue;

    public OccupancyHysteresis(Sequencer sequencer, double high, double low)
    {
        _sequencer = sequencer;
        _high = Math.Max(1, (long)(sequencer.BufferSize * high));
        _low = Math.Min(_high - 1, (long)(sequencer.BufferSize * low));
    }

    /// <summary>Occupancy at or above which input stops.</summary>
    public long High => _high;

    /// <summary>Occupancy at or below which input resumes.</summary>
    public long Low => _low;

    /// <summary>True when the ring holds at least <see cref="High"/> unfinished events.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsAtHigh()
    {
        long claimed = _sequencer.ClaimedSequence;
        return claimed - _cachedMinimum >= _high && claimed - Refresh(claimed) >= _high;
    }

    /// <summary>True when the ring has drained to <see cref="Low"/> or below.</summary>
    public bool IsAtLow()
    {
        long claimed = _sequencer.ClaimedSequence;
        return claimed - Refresh(claimed) <= _low;
    }

    private long Refresh(long claimed) => _cachedMinimum = _sequencer.MinimumGatingSequence(claimed);
}

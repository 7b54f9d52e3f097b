using System.Runtime.CompilerServices;

namespace LowLatency.Engine.Processing;

/// <summary>
/// What a stage calls with each batch it finishes that holds a sampled sequence (a multiple of the
/// interval), before releasing it: publish-to-stage latency recording, which lives in Diagnostics.
/// </summary>
/// <param name="interval">One sequence in this many is sampled: a power of two.</param>
internal abstract class BatchSampler(long interval)
{
    private readonly long _mask = interval - 1;

    /// <summary>Called by the stage thread after handling [<paramref name="first"/>, <paramref name="last"/>], before releasing it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void OnBatchEnd(long first, long last)
    {
        if ((last & ~_mask) >= first)
        {
            Record(first, last);
        }
    }

    /// <summary>Records the sampled sequences of [<paramref name="first"/>, <paramref name="last"/>] (there is at least one).</summary>
    private protected abstract void Record(long first, long last);
}

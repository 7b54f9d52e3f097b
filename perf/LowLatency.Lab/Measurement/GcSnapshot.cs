using System.Diagnostics;

namespace LowLatency.Lab.Measurement;

/// <summary>Process-wide GC counters at one instant; subtract two to get what happened in between.</summary>
internal readonly record struct GcSnapshot(int Gen0, int Gen1, int Gen2, long AllocatedBytes, long Timestamp)
{
    /// <summary>Reads the counters. <paramref name="precise"/> asks every thread's allocation context (slower; use at phase boundaries).</summary>
    public static GcSnapshot Capture(bool precise = true) => new(
        GC.CollectionCount(0),
        GC.CollectionCount(1),
        GC.CollectionCount(2),
        GC.GetTotalAllocatedBytes(precise),
        Stopwatch.GetTimestamp());

    public static GcSnapshot operator -(GcSnapshot end, GcSnapshot start) => new(
        end.Gen0 - start.Gen0,
        end.Gen1 - start.Gen1,
        end.Gen2 - start.Gen2,
        end.AllocatedBytes - start.AllocatedBytes,
        end.Timestamp - start.Timestamp);

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(0, Timestamp);
}

namespace LowLatency.Testing;

/// <summary>
/// Counts bytes allocated by one thread between two points: a handler arms it on its own thread after
/// warm-up and reads it at the end, so other threads (test runner, producers) never pollute the count.
/// </summary>
public sealed class AllocationProbe
{
    private long _start = -1;
    private long _bytes = -1;

    /// <summary>Bytes allocated between <see cref="Arm"/> and <see cref="Read"/>; -1 until both ran.</summary>
    public long Bytes => Volatile.Read(ref _bytes);

    /// <summary>Starts counting on the calling thread.</summary>
    public void Arm() => _start = GC.GetAllocatedBytesForCurrentThread();

    /// <summary>Stops counting on the calling thread (the one that armed it).</summary>
    public void Read() => Volatile.Write(ref _bytes, GC.GetAllocatedBytesForCurrentThread() - _start);
}

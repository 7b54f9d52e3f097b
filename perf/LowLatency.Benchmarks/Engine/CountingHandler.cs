using LowLatency.Engine.Processing;

namespace LowLatency.Benchmarks.Engine;

/// <summary>Sums values and publishes its count for the benchmark thread to wait on.</summary>
public sealed class Progress
{
    private long _count;

    public long Count => Volatile.Read(ref _count);

    public void Set(long count) => Volatile.Write(ref _count, count);

    public void WaitFor(long count)
    {
        var spin = new SpinWait();
        while (Count < count)
        {
            spin.SpinOnce(sleep1Threshold: -1);
        }
    }
}

/// <summary>A per-event stage; the terminal one reports progress at the end of each batch.</summary>
public struct CountingHandler(Progress? progress) : IEventHandler<ValueEvent>
{
    private long _count;
    private long _sum;

    public void OnEvent(ref ValueEvent data, long sequence, bool endOfBatch)
    {
        _sum += data.Value;
        _count++;
        if (endOfBatch)
        {
            progress?.Set(_count);
        }
    }
}

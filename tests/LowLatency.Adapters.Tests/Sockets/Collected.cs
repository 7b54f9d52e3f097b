namespace LowLatency.Adapters.Tests.Sockets;

/// <summary>What a <see cref="Collector{T}"/> stage saw; written by the stage thread, read by the test.</summary>
public sealed class Collected<T>(bool keepEvents = true)
{
    private readonly Lock _lock = new();
    private readonly List<T> _events = [];
    private long _count;

    public long Count => Volatile.Read(ref _count);

    public void Add(in T value)
    {
        if (keepEvents)
        {
            lock (_lock)
            {
                _events.Add(value);
            }
        }

        Interlocked.Increment(ref _count);
    }

    public T[] Snapshot()
    {
        lock (_lock)
        {
            return [.. _events];
        }
    }
}

namespace LowLatency.Adapters.Sockets;

/// <summary>Counters of a <see cref="TcpSink{T, TCodec}"/>; each read atomically, not as a consistent snapshot.</summary>
public sealed class TcpSinkMetrics
{
    private readonly long[] _disconnects = new long[Enum.GetValues<DisconnectReason>().Length];
    private long _subscribers;
    private long _framesQueued;
    private long _eventsQueued;
    private long _eventsDropped;

    /// <summary>Subscribers currently receiving.</summary>
    public long Subscribers => Volatile.Read(ref _subscribers);

    /// <summary>Batch frames queued to subscribers (one per subscriber per batch).</summary>
    public long FramesQueued => Volatile.Read(ref _framesQueued);

    /// <summary>Events queued to subscribers (counted once per subscriber).</summary>
    public long EventsQueued => Volatile.Read(ref _eventsQueued);

    /// <summary>Events skipped for slow subscribers under <see cref="SlowSubscriberPolicy.Drop"/> (counted once per subscriber).</summary>
    public long EventsDropped => Volatile.Read(ref _eventsDropped);

    /// <summary>Subscribers that ended for <paramref name="reason"/>.</summary>
    public long Disconnects(DisconnectReason reason) =>
        (uint)reason < (uint)_disconnects.Length ? Volatile.Read(ref _disconnects[(int)reason]) : 0;

    internal void OnSubscribed() => Interlocked.Increment(ref _subscribers);

    internal void OnClosed(DisconnectReason reason, bool wasSubscribed)
    {
        if (wasSubscribed)
        {
            Interlocked.Decrement(ref _subscribers);
        }

        Interlocked.Increment(ref _disconnects[(int)reason]);
    }

    internal void OnQueued(int events)
    {
        Interlocked.Increment(ref _framesQueued);
        Interlocked.Add(ref _eventsQueued, events);
    }

    internal void OnDropped(int events) => Interlocked.Add(ref _eventsDropped, events);
}

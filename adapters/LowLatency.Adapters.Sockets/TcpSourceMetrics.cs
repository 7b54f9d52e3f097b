namespace LowLatency.Adapters.Sockets;

/// <summary>
/// Counters of a <see cref="TcpSource{T, TCodec}"/>. Connection loops add to them with interlocked
/// operations once per frame or per read, never per event; readers see each counter atomically (not a
/// consistent snapshot of all of them).
/// </summary>
public sealed class TcpSourceMetrics
{
    private readonly long[] _disconnects = new long[Enum.GetValues<DisconnectReason>().Length];
    private long _connectionsAccepted;
    private long _activeConnections;
    private long _frames;
    private long _bytesReceived;
    private long _eventsPublished;
    private long _duplicateEvents;
    private long _missingEvents;
    private long _backpressureWaits;
    private long _acksSent;
    private long _sessionsResumed;

    /// <summary>Connections accepted by the listener (refused ones included).</summary>
    public long ConnectionsAccepted => Volatile.Read(ref _connectionsAccepted);

    /// <summary>Connections currently open.</summary>
    public long ActiveConnections => Volatile.Read(ref _activeConnections);

    /// <summary>Complete frames received.</summary>
    public long Frames => Volatile.Read(ref _frames);

    /// <summary>Bytes read from sockets (after TLS).</summary>
    public long BytesReceived => Volatile.Read(ref _bytesReceived);

    /// <summary>Events published into the ring.</summary>
    public long EventsPublished => Volatile.Read(ref _eventsPublished);

    /// <summary>Events dropped because their (session, sequence) was already accepted: resends after a reconnect.</summary>
    public long DuplicateEvents => Volatile.Read(ref _duplicateEvents);

    /// <summary>Sequence numbers skipped by a session (a gap is reported here, never hidden; the events after it are accepted).</summary>
    public long MissingEvents => Volatile.Read(ref _missingEvents);

    /// <summary>Times a connection stopped reading because the ring refused a claim.</summary>
    public long BackpressureWaits => Volatile.Read(ref _backpressureWaits);

    /// <summary>
    /// Handshakes that resumed a session the source already held events of: a publisher reconnected and resends
    /// from the welcome's accepted + 1 (its resends of events already accepted show up as <see cref="DuplicateEvents"/>).
    /// </summary>
    public long SessionsResumed => Volatile.Read(ref _sessionsResumed);

    /// <summary>Ack frames sent.</summary>
    public long AcksSent => Volatile.Read(ref _acksSent);

    /// <summary>Every connection that ended, whatever the reason.</summary>
    public long TotalDisconnects
    {
        get
        {
            long total = 0;
            for (int i = 0; i < _disconnects.Length; i++)
            {
                total += Volatile.Read(ref _disconnects[i]);
            }

            return total;
        }
    }

    /// <summary>Connections that ended for <paramref name="reason"/>.</summary>
    public long Disconnects(DisconnectReason reason) =>
        (uint)reason < (uint)_disconnects.Length ? Volatile.Read(ref _disconnects[(int)reason]) : 0;

    internal void OnAccepted() => Interlocked.Increment(ref _connectionsAccepted);

    internal void OnOpened() => Interlocked.Increment(ref _activeConnections);

    internal void OnClosed(DisconnectReason reason, bool wasOpen)
    {
        if (wasOpen)
        {
            Interlocked.Decrement(ref _activeConnections);
        }

        Interlocked.Increment(ref _disconnects[(int)reason]);
    }

    internal void OnFrame() => Interlocked.Increment(ref _frames);

    internal void OnBytes(long bytes) => Interlocked.Add(ref _bytesReceived, bytes);

    internal void OnPublished(long events) => Interlocked.Add(ref _eventsPublished, events);

    internal void OnDuplicates(long events) => Interlocked.Add(ref _duplicateEvents, events);

    internal void OnMissing(long events) => Interlocked.Add(ref _missingEvents, events);

    internal void OnBackpressure() => Interlocked.Increment(ref _backpressureWaits);

    internal void OnAck() => Interlocked.Increment(ref _acksSent);

    internal void OnResumed() => Interlocked.Increment(ref _sessionsResumed);
}

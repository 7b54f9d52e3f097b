namespace LowLatency.Adapters.Sockets;

/// <summary>
/// What a source remembers of one publisher session across its connections: the highest sequence
/// accepted into the ring (for deduplication of resends) and the cumulative ack.
/// </summary>
/// <remarks>
/// <para>Ack protocol, lock-free. The session's live connection (one at a time: a new connection for the
/// session waits until the previous one has fully exited) publishes a chunk, then stores the ring sequence
/// of its last event in <see cref="_lastRingSequence"/>, then release-stores the session sequence in
/// <see cref="_acceptedSequence"/>. The ack loop acquire-loads <see cref="_acceptedSequence"/> first and
/// <see cref="_lastRingSequence"/> second, so the ring sequence it sees is at or after the one of the
/// accepted event: once the pipeline's completed sequence reaches it, every event of the session up to the
/// accepted sequence is done by every terminal stage. Under continuous flow the loop keeps one such
/// (sequence, ring sequence) candidate and acks it when completed passes it, so acks trail by at most two
/// ack intervals and never overtake the pipeline.</para>
/// <para>This replaces a per-slot side array (ring sequence → session, sequence): a side array entry can be
/// overwritten by the next lap as soon as the pipeline completes it, before an ack scan reads it, and
/// scanning it costs a read per event; the two fields here cost two stores per claim.</para>
/// </remarks>
internal sealed class SessionState(ulong id)
{
    // Written by the session's live connection (release); read by its ack loop and by the next
    // connection's handshake (acquire).
    private long _acceptedSequence = -1;

    // Written by the session's live connection before _acceptedSequence; read after it.
    private long _lastRingSequence = -1;

    // Written and read by the live connection's ack loop only; read by the next connection's handshake
    // after that loop has exited (the exit is awaited, which orders it).
    private long _ackedSequence = -1;
    private long _candidateSequence = -1;
    private long _candidateRing = -1;

    public ulong Id { get; } = id;

    /// <summary>The connection currently serving the session; guarded by the source's lock.</summary>
    public object? Owner { get; set; }

    /// <summary>Source clock timestamp of the last detach; guarded by the source's lock.</summary>
    public long DetachedAt { get; set; }

    public long AcceptedSequence => Volatile.Read(ref _acceptedSequence);

    public long AckedSequence => Volatile.Read(ref _ackedSequence);

    /// <summary>Called by the live connection after publishing up to <paramref name="ringSequence"/>.</summary>
    public void RecordPublished(long ringSequence, long sessionSequence)
    {
        _lastRingSequence = ringSequence;
        Volatile.Write(ref _acceptedSequence, sessionSequence);
    }

    /// <summary>Called by the live connection's ack loop; returns the cumulative ack (−1: nothing yet).</summary>
    public long UpdateAck(long completedRingSequence)
    {
        if (_candidateSequence > _ackedSequence && completedRingSequence >= _candidateRing)
        {
            Volatile.Write(ref _ackedSequence, _candidateSequence);
        }

        long accepted = Volatile.Read(ref _acceptedSequence);
        long ring = Volatile.Read(ref _lastRingSequence);
        if (accepted > _ackedSequence)
        {
            if (completedRingSequence >= ring)
            {
                Volatile.Write(ref _ackedSequence, accepted);
            }
            else if (_candidateSequence <= _ackedSequence)
            {
                _candidateSequence = accepted;
                _candidateRing = ring;
            }
        }

        return _ackedSequence;
    }
}

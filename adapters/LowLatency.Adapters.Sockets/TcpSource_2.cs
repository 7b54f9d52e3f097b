using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using LowLatency.Engine;
using LowLatency.Engine.Pipelines;
using LowLatency.Engine.Sequencing;

namespace LowLatency.Adapters.Sockets;

/// <summary>
/// A TCP listener that decodes batches of events from publishers straight into claimed slots of a ring,
/// deduplicates resends by (session, sequence), and acks each session cumulatively once every terminal
/// stage is done with its events.
/// </summary>
/// <remarks>
/// <para>Threading: one accept loop, and per connection one receive loop (reads, decodes, publishes) and
/// one ack loop (a timer every <see cref="TcpSourceOptions.AckInterval"/>), all on the thread pool; a
/// watchdog timer enforces the handshake, frame and idle timeouts. Many connections publish concurrently:
/// give the source a multi-producer ring, or a single-producer one that only this source publishes into
/// (claims are then serialised by a lock per claimed chunk).</para>
/// <para>Backpressure: when the ring refuses a claim a connection stops reading its socket until
/// occupancy falls to <see cref="TcpSourceOptions.ResumeOccupancy"/>; TCP flow control then blocks the
/// sender. Nothing is buffered beyond one frame and one read.</para>
/// <para>A connection that breaks the protocol or a limit is closed with a <see cref="FrameType.Close"/>
/// frame carrying the reason, counted in <see cref="Metrics"/>, and affects no other connection.</para>
/// </remarks>
/// <typeparam name="T">The event.</typeparam>
/// <typeparam name="TCodec">The wire codec of <typeparamref name="T"/> (a struct, specialised by the JIT).</typeparam>
public sealed class TcpSource<T, TCodec> : IAsyncDisposable
    where T : struct
    where TCodec : struct, IEventCodec<T>
{
    private readonly Lock _lock = new();
    private readonly TCodec _codec;
    private readonly Lock? _producerLock;
    private readonly Dictionary<ulong, SessionState> _sessions = [];
    private readonly CancellationTokenSource _stopping = new();

    // Copy-on-write under _lock; read without the lock by the watchdog.
    private SourceConnection<T, TCodec>[] _connections = [];

    // Guarded by _lock.
    private Socket? _listener;
    private ITimer? _watchdog;
    private Task _acceptLoop = Task.CompletedTask;
    private bool _started;
    private bool _stopped;

    /// <summary>Creates a source that publishes into <paramref name="ring"/>; invalid options fail here, naming the option.</summary>
    public TcpSource(RingBuffer<T> ring, TCodec codec, TcpSourceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(ring);
        options ??= TcpSourceOptions.Default;
        options.Validate();
        int eventSize = codec.EventSize;
        if (eventSize < 1 || eventSize > WireFormat.MaxEventSize)
        {
            SocketsThrowHelper.ThrowOption("IEventCodec.EventSize", eventSize, "must be between 1 and 65535.");
        }

        if (WireFormat.BatchOverhead + eventSize > options.MaxDecompressedSize)
        {
            SocketsThrowHelper.ThrowOption("TcpSourceOptions.MaxDecompressedSize", options.MaxDecompressedSize, "must hold a batch of at least one event.");
        }

        RingBuffer = ring;
        Options = options;
        _codec = codec;
        _producerLock = ring.Sequencer is SingleProducerSequencer ? new Lock() : null;
    }

    /// <summary>Creates a source that publishes into <paramref name="pipeline"/>'s ring.</summary>
    public TcpSource(Pipeline<T> pipeline, TCodec codec, TcpSourceOptions? options = null)
        : this(pipeline.RingBuffer, codec, options)
    {
    }

    /// <summary>The options the source was built with.</summary>
    public TcpSourceOptions Options { get; }

    /// <summary>The ring events are published into.</summary>
    public RingBuffer<T> RingBuffer { get; }

    /// <summary>Counters: connections, frames, events, duplicates, gaps, back-pressure, disconnects per reason.</summary>
    public TcpSourceMetrics Metrics { get; } = new();

    /// <summary>The bound endpoint (the actual port when <see cref="TcpSourceOptions.Endpoint"/> had port 0); null before <see cref="Start"/>.</summary>
    public IPEndPoint? LocalEndPoint { get; private set; }

    /// <summary>
    /// The highest ring sequence every gating consumer of the ring has passed, the same value as
    /// <see cref="Pipeline{T}.CompletedSequence"/>: acks never go beyond it.
    /// </summary>
    internal long CompletedSequence => RingBuffer.Sequencer.MinimumGatingSequence(RingBuffer.Sequencer.ClaimedSequence);

    /// <summary>Binds, listens and starts accepting. Call once.</summary>
    public void Start()
    {
        lock (_lock)
        {
            if (_started)
            {
                SocketsThrowHelper.ThrowInvalidOperation("The source is already started.");
            }

            _started = true;
            Socket listener = ListenerSocket.Open(Options.Endpoint, Options.Backlog);

            _listener = listener;
            LocalEndPoint = (IPEndPoint)listener.LocalEndPoint!;
            _watchdog = Options.TimeProvider.CreateTimer(static state => ((TcpSource<T, TCodec>)state!).CheckTimeouts(), this, Options.WatchdogPeriod, Options.WatchdogPeriod);
            _acceptLoop = ListenerSocket.AcceptLoopAsync(listener, OnAccepted, _stopping.Token);
        }
    }

    /// <summary>Stops listening, closes every connection with <see cref="DisconnectReason.Stopping"/>, and waits for them.</summary>
    public async ValueTask DisposeAsync()
    {
        SourceConnection<T, TCodec>[] connections;
        lock (_lock)
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;
            _stopping.Cancel();
            _listener?.Dispose();
            connections = _connections;
        }

        foreach (SourceConnection<T, TCodec> connection in connections)
        {
            connection.Abort(DisconnectReason.Stopping);
        }

        try
        {
            await _acceptLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Expected: the listener was closed.
        }

        foreach (SourceConnection<T, TCodec> connection in connections)
        {
            await connection.Completion.ConfigureAwait(false);
        }

        if (_watchdog is not null)
        {
            await _watchdog.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    internal bool Authenticate(ReadOnlySpan<byte> token)
    {
        ReadOnlySpan<byte> expected = Options.AuthToken.Span;
        return expected.IsEmpty || CryptographicOperations.FixedTimeEquals(token, expected);
    }

    /// <summary>Makes <paramref name="connection"/> the owner of session <paramref name="id"/>, after any previous owner has fully exited.</summary>
    internal async Task<SessionState> AttachSessionAsync(SourceConnection<T, TCodec> connection, ulong id)
    {
        SourceConnection<T, TCodec>? previous;
        SessionState session;
        lock (_lock)
        {
            if (!_sessions.TryGetValue(id, out session!))
            {
                if (_sessions.Count >= Options.MaxSessions)
                {
                    EvictOneDetachedSessionUnsynchronized();
                }

                session = new SessionState(id);
                _sessions[id] = session;
            }

            previous = session.Owner as SourceConnection<T, TCodec>;
            session.Owner = connection;
        }

        if (previous is not null)
        {
            // Only one connection publishes for a session at a time: the dedup state is its alone.
            previous.Abort(DisconnectReason.SessionTakenOver);
            await previous.Completion.ConfigureAwait(false);
        }

        return session;
    }

    internal void OnConnectionClosed(SourceConnection<T, TCodec> connection, SessionState? session, DisconnectReason reason)
    {
        lock (_lock)
        {
            _connections = Array.FindAll(_connections, c => !ReferenceEquals(c, connection));
            if (session is not null && ReferenceEquals(session.Owner, connection))
            {
                session.Owner = null;
                session.DetachedAt = Options.TimeProvider.GetTimestamp();
            }
        }

        Metrics.OnClosed(reason, wasOpen: true);
    }

    private void EvictOneDetachedSessionUnsynchronized()
    {
        SessionState? oldest = null;
        foreach (SessionState candidate in _sessions.Values)
        {
            if (candidate.Owner is null && (oldest is null || candidate.DetachedAt < oldest.DetachedAt))
            {
                oldest = candidate;
            }
        }

        if (oldest is not null)
        {
            _sessions.Remove(oldest.Id);
        }
    }

    private void CheckTimeouts()
    {
        foreach (SourceConnection<T, TCodec> connection in Volatile.Read(ref _connections))
        {
            connection.CheckTimeouts();
        }
    }

    private void OnAccepted(Socket socket)
    {
        Metrics.OnAccepted();
        SourceConnection<T, TCodec>? connection = null;
        lock (_lock)
        {
            if (!_stopped && _connections.Length < Options.MaxConnections)
            {
                connection = new SourceConnection<T, TCodec>(this, socket, _codec, _producerLock);
                _connections = [.. _connections, connection];
            }
        }

        if (connection is null)
        {
            Refuse(socket, _stopped ? DisconnectReason.Stopping : DisconnectReason.ConnectionLimit);
            return;
        }

        Metrics.OnOpened();
        connection.Start();
    }

    private void Refuse(Socket socket, DisconnectReason reason)
    {
        // A close frame fits in the kernel's send buffer: a non-blocking send never waits on the peer.
        Span<byte> frame = stackalloc byte[WireFormat.HeaderSize + WireFormat.CloseSize];
        int length = WireFormat.WriteClose(frame, reason);
        try
        {
            socket.Blocking = false;
            socket.Send(frame[..length], SocketFlags.None, out _);
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // The peer is gone already.
        }
        finally
        {
            socket.Dispose();
        }

        Metrics.OnClosed(reason, wasOpen: false);
    }
}

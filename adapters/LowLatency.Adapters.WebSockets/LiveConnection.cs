using System.Net.WebSockets;
using LowLatency.Engine.Flow;

namespace LowLatency.Adapters.WebSockets;

/// <summary>
/// One client: a bounded queue that keeps the newest value per (topic, key) (the engine's
/// <see cref="ConflationBuffer{T}"/>), a send loop that is the socket's only writer, and a receive loop that
/// applies the client's commands.
/// </summary>
/// <remarks>
/// <para>The fan-out thread calls <see cref="Offer"/>; it takes <see cref="_lock"/> for a table insert and never
/// touches the socket. The send loop takes the lock to copy up to a frame's worth of updates out, then encodes
/// and sends without it. <see cref="_scheduled"/> (under the lock) is true while the send loop is awake or
/// about to be woken, so the signal is set at most once per wait.</para>
/// <para>Closing goes through the send loop too (<see cref="RequestClose"/>): a WebSocket allows one sender.</para>
/// </remarks>
internal sealed partial class LiveConnection
{
    private readonly WebSocketHub _hub;
    private readonly WebSocket _socket;
    private readonly Lock _lock = new();
    private readonly AsyncSignal _signal = new();
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Guarded by _lock: written by the fan-out thread (Offer) and the send loop (drain).
    private readonly ConflationBuffer<LiveUpdate> _queue;
    private readonly Queue<byte[]> _controls = new();
    private bool _scheduled = true;
    private (WebSocketCloseStatus Status, string Text)? _close;
    private bool _finished;
    private long _offered;
    private long _conflated;
    private long _dropped;

    // Written by the send loop only; read by anyone with Volatile.Read.
    private long _sent;

    // Written by the receive loop (volatile); read by the fan-out thread for every update.
    private volatile Subscription _subscription = Subscription.Default;

    // The first reason recorded wins (CompareExchange); -1 while open.
    private int _reason = -1;

    public LiveConnection(WebSocketHub hub, WebSocket socket, long id, string remote, bool binary)
    {
        _hub = hub;
        _socket = socket;
        Id = id;
        Remote = remote;
        Binary = binary;
        _queue = new ConflationBuffer<LiveUpdate>(hub.Options.QueueCapacity);
        _batch = new LiveUpdate[hub.Options.MaxUpdatesPerFrame];
        _frame = new byte[hub.MaxFrameBytes];
        _inbound = new byte[hub.Options.MaxMessageBytes + 1];
    }

    public long Id { get; }

    public string Remote { get; }

    public bool Binary { get; }

    /// <summary>
    /// Fan-out thread: queues the updates of <paramref name="batch"/> this connection wants, each replacing an unsent
    /// value of its key. Never blocks on the socket; allocates nothing.
    /// </summary>
    public void Offer(ReadOnlySpan<LiveUpdate> batch, LiveTopic[] topics, long[][] busiest)
    {
        Subscription subscription = _subscription;
        bool queued = false;
        bool wake;
        lock (_lock)
        {
            if (_finished)
            {
                return;
            }

            foreach (ref readonly LiveUpdate update in batch)
            {
                if (!subscription.Wants(topics[update.Topic], update.Key, busiest[update.Topic]))
                {
                    continue;
                }

                _offered++;
                if (!_queue.Put(update.ConflationKey, in update, out bool replaced))
                {
                    _dropped++;
                }
                else if (replaced)
                {
                    _conflated++;
                }

                queued = true;
            }

            wake = queued && ScheduleUnsynchronized();
        }

        if (wake)
        {
            _signal.Set();
        }
    }

    public WebSocketClientInfo Snapshot()
    {
        lock (_lock)
        {
            return new WebSocketClientInfo(Id, Remote, Binary, _offered, Volatile.Read(ref _sent), _conflated, _dropped, _queue.Count);
        }
    }

    /// <summary>Runs the connection until it closes; returns why.</summary>
    public async Task<CloseReason> RunAsync()
    {
        Task sending = SendLoopAsync();
        CloseReason received = await ReceiveLoopAsync().ConfigureAwait(false);
        Record(received);
        RequestClose(CloseStatusOf(received), CloseTextOf(received)); // after a client's close: the reply

        // The send loop sends the close frame (or the close reply) and ends; AbortLaterAsync bounds it.
        await sending.ConfigureAwait(false);
        lock (_lock)
        {
            _finished = true;
        }

        _done.TrySetResult();
        _socket.Dispose();
        return (CloseReason)_reason;
    }

    /// <summary>Asks the send loop to send a close frame after the frame in flight, and stop.</summary>
    public void RequestClose(WebSocketCloseStatus status, string text)
    {
        bool wake;
        bool first;
        lock (_lock)
        {
            first = _close is null;
            _close ??= (status, text);
            wake = ScheduleUnsynchronized();
        }

        if (wake)
        {
            _signal.Set();
        }

        if (first)
        {
            _ = AbortLaterAsync();
        }
    }

    /// <summary>
    /// Bounds a close: a frame stuck behind a client that does not read, or a client that never answers the close
    /// frame, gets the socket aborted after <see cref="WebSocketHubOptions.CloseTimeout"/>, which ends both loops.
    /// </summary>
    private async Task AbortLaterAsync()
    {
        if (await Task.WhenAny(_done.Task, Task.Delay(_hub.Options.CloseTimeout)).ConfigureAwait(false) != _done.Task)
        {
            _socket.Abort();
        }
    }

    /// <summary>Queues a text control message (hello, acknowledgements) ahead of updates.</summary>
    public void SendControl(byte[] message)
    {
        bool wake;
        lock (_lock)
        {
            _controls.Enqueue(message);
            wake = ScheduleUnsynchronized();
        }

        if (wake)
        {
            _signal.Set();
        }
    }

    /// <summary>Under <see cref="_lock"/>: marks the send loop scheduled; true when the caller must set the signal (it was asleep).</summary>
    private bool ScheduleUnsynchronized()
    {
        if (_scheduled)
        {
            return false;
        }

        _scheduled = true;
        return true;
    }

    /// <summary>Records why the connection ends; the first reason wins.</summary>
    public void Record(CloseReason reason) => Interlocked.CompareExchange(ref _reason, (int)reason, -1);

    internal static WebSocketCloseStatus CloseStatusOf(CloseReason reason) => reason switch
    {
        CloseReason.BadToken or CloseReason.BadOrigin or CloseReason.BadFormat => WebSocketCloseStatus.PolicyViolation,
        CloseReason.TooManyConnections => (WebSocketCloseStatus)1013,
        CloseReason.MessageTooBig => WebSocketCloseStatus.MessageTooBig,
        CloseReason.InvalidMessage => WebSocketCloseStatus.InvalidPayloadData,
        CloseReason.ServerShutdown => WebSocketCloseStatus.EndpointUnavailable,
        CloseReason.ProtocolError => WebSocketCloseStatus.ProtocolError,
        _ => WebSocketCloseStatus.NormalClosure,
    };

    private string CloseTextOf(CloseReason reason) => reason switch
    {
        CloseReason.MessageTooBig => $"message exceeds {_hub.Options.MaxMessageBytes} bytes",
        CloseReason.InvalidMessage => _invalidText ?? "invalid message",
        CloseReason.ServerShutdown => "server shutting down",
        CloseReason.ProtocolError => "protocol error",
        _ => "bye",
    };
}

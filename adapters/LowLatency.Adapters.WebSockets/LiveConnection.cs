using System.Net.WebSockets;

namespace LowLatency.Adapters.WebSockets;

/// <summary>
/// One client: a position in the hub's log of newest values (<see cref="LatestValues"/>), a send loop that is the
/// socket's only writer, and a receive loop that applies the client's commands.
/// </summary>
/// <remarks>
/// <para>Nothing is pushed to a connection: when its previous frame has been written, the send loop reads the log
/// from its position on and sends the updates its subscription wants whose key has no newer value since (the
/// others are conflated, counted). So at most one frame per connection is in flight, whatever is published
/// meanwhile waits in the hub's table where newer values replace it, and a client that does not read costs the
/// hub nothing per update. With nothing to send, the loop sleeps: it registers with the hub, which wakes it after
/// the next batch of updates (<see cref="WebSocketHub.TryWaitForUpdates"/>), or <see cref="SendControl"/> and
/// <see cref="RequestClose"/> wake it. <see cref="_asleep"/> makes exactly one waker set the signal per sleep.</para>
/// <para>Closing goes through the send loop too (<see cref="RequestClose"/>): a WebSocket allows one sender.</para>
/// </remarks>
internal sealed partial class LiveConnection
{
    private readonly WebSocketHub _hub;
    private readonly WebSocket _socket;
    private readonly Lock _lock = new();
    private readonly AsyncSignal _signal = new();
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Guarded by _lock: controls and close written by the receive loop and the hub, taken by the send loop; the
    // counters written by the send loop, read by Snapshot.
    private readonly Queue<byte[]> _controls = new();
    private (WebSocketCloseStatus Status, string Text)? _close;
    private long _offered;
    private long _sent;
    private long _conflated;
    private long _skipped;
    private int _pending;

    // True while on the hub's list of loops waiting for updates (guarded by the hub's wait lock).
    internal bool WaitListed { get; set; }

    // True while on the hub's list of loops waiting for the next pacing tick (guarded by the hub's wait lock).
    internal bool TickListed { get; set; }

    // 1 while the send loop sleeps or is about to; whoever exchanges it to 0 sets the signal (Interlocked).
    private int _asleep;

    // Written by the receive loop (volatile); read by the send loop for every update it reads.
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
        _batch = new LiveUpdate[hub.Options.MaxUpdatesPerFrame];
        _batchSlots = new int[hub.Options.MaxUpdatesPerFrame];
        _batchVersions = new long[hub.Options.MaxUpdatesPerFrame];
        _frame = new byte[hub.MaxFrameBytes];
        _inbound = new byte[hub.Options.MaxMessageBytes + 1];
        _position = hub.Latest.Head;
    }

    public long Id { get; }

    public string Remote { get; }

    public bool Binary { get; }

    public WebSocketClientInfo Snapshot()
    {
        lock (_lock)
        {
            return new WebSocketClientInfo(Id, Remote, Binary, _offered, _sent, _conflated, _skipped, _pending);
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
        _hub.StopWaiting(this);
        _done.TrySetResult();
        _socket.Dispose();
        return (CloseReason)_reason;
    }

    /// <summary>Asks the send loop to send a close frame after the frame in flight, and stop.</summary>
    public void RequestClose(WebSocketCloseStatus status, string text)
    {
        bool first;
        lock (_lock)
        {
            first = _close is null;
            _close ??= (status, text);
        }

        Wake();

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
        lock (_lock)
        {
            _controls.Enqueue(message);
        }

        Wake();
    }

    /// <summary>Any thread: wakes the send loop if it sleeps (a no-op otherwise: it looks for work before it sleeps).</summary>
    public void Wake()
    {
        if (Interlocked.Exchange(ref _asleep, 0) == 1)
        {
            _signal.Set();
        }
    }

    /// <summary>Records why the connection ends; the first reason wins.</summary>
    public void Record(CloseReason reason) => Interlocked.CompareExchange(ref _reason, (int)reason, -1);

    internal static WebSocketCloseStatus CloseStatusOf(CloseReason reason) => reason switch
    {
        CloseReason.BadToken or CloseReason.BadOrigin or CloseReason.BadFormat => WebSocketCloseStatus.PolicyViolation,
        CloseReason.TooManyConnections or CloseReason.MemoryCap => (WebSocketCloseStatus)1013,
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

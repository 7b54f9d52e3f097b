using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace LowLatency.Adapters.Sockets;

/// <summary>
/// Streams a pipeline's events to subscribed TCP clients as batch frames whose sequence numbers are the
/// ring sequences (a subscriber sees every gap, e.g. under <see cref="SlowSubscriberPolicy.Drop"/>).
/// </summary>
/// <remarks>
/// <para>Feeding: a stage built from <see cref="CreateHandler"/> encodes each event once into a staging
/// frame on the pipeline thread; at the end of each pipeline batch (or every
/// <see cref="TcpSinkOptions.MaxBatchEvents"/>) the frame is copied into each subscriber's bounded queue,
/// and each subscriber's send loop writes its queue to the socket on the thread pool.</para>
/// <para>A slow subscriber never stalls the pipeline by default: past
/// <see cref="TcpSinkOptions.MaxBufferedBytes"/> it is disconnected (or its batches are dropped and
/// counted); only <see cref="SlowSubscriberPolicy.Backpressure"/> makes the stage wait for it.</para>
/// </remarks>
/// <typeparam name="T">The event.</typeparam>
/// <typeparam name="TCodec">The wire codec.</typeparam>
public sealed class TcpSink<T, TCodec> : IAsyncDisposable
    where T : struct
    where TCodec : struct, IEventCodec<T>
{
    private readonly Lock _lock = new();
    private readonly byte[] _frame;
    private readonly int _eventSize;
    private readonly CancellationTokenSource _stopping = new();

    // Not readonly: a stateful codec may mutate itself. Pipeline thread only.
    private TCodec _codec;

    // Copy-on-write under _lock; read without it by the pipeline thread.
    private SinkSubscriber[] _subscribers = [];

    // Every accepted connection, handshaken or not (the cap and shutdown apply to all). Guarded by _lock.
    private SinkSubscriber[] _all = [];

    // Pipeline thread only: the staging frame's first ring sequence and event count.
    private long _firstSequence;
    private int _count;

    // Guarded by _lock.
    private Socket? _listener;
    private Task _acceptLoop = Task.CompletedTask;
    private bool _started;
    private bool _stopped;

    /// <summary>Creates a sink; invalid options fail here, naming the option.</summary>
    public TcpSink(TCodec codec, TcpSinkOptions? options = null)
    {
        options ??= TcpSinkOptions.Default;
        int eventSize = codec.EventSize;
        if (eventSize < 1 || eventSize > WireFormat.MaxEventSize)
        {
            SocketsThrowHelper.ThrowOption("IEventCodec.EventSize", eventSize, "must be between 1 and 65535.");
        }

        options.Validate(eventSize);
        Options = options;
        _codec = codec;
        _eventSize = eventSize;
        _frame = new byte[WireFormat.HeaderSize + WireFormat.BatchOverhead + (options.MaxBatchEvents * eventSize)];
    }

    /// <summary>The options the sink was built with.</summary>
    public TcpSinkOptions Options { get; }

    /// <summary>Counters: subscribers, frames and events queued, events dropped, disconnects per reason.</summary>
    public TcpSinkMetrics Metrics { get; } = new();

    /// <summary>The bound endpoint; null before <see cref="Start"/>.</summary>
    public IPEndPoint? LocalEndPoint { get; private set; }

    /// <summary>The stage that feeds this sink (one per sink).</summary>
    public TcpSinkHandler<T, TCodec> CreateHandler() => new(this);

    /// <summary>Binds, listens and starts accepting subscribers. Call once.</summary>
    public void Start()
    {
        lock (_lock)
        {
            if (_started)
            {
                SocketsThrowHelper.ThrowInvalidOperation("The sink is already started.");
            }

            _started = true;
            Socket listener = ListenerSocket.Open(Options.Endpoint, 64);

            _listener = listener;
            LocalEndPoint = (IPEndPoint)listener.LocalEndPoint!;
            _acceptLoop = ListenerSocket.AcceptLoopAsync(listener, OnAccepted, _stopping.Token);
        }
    }

    /// <summary>Stops listening and closes every subscriber with <see cref="DisconnectReason.Stopping"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        SinkSubscriber[] subscribers;
        lock (_lock)
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;
            _stopping.Cancel();
            _listener?.Dispose();
            subscribers = _all;
        }

        foreach (SinkSubscriber subscriber in subscribers)
        {
            subscriber.Abort(DisconnectReason.Stopping);
        }

        try
        {
            await _acceptLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The listener was closed.
        }

        foreach (SinkSubscriber subscriber in subscribers)
        {
            await subscriber.Completion.ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    /// <summary>Pipeline thread: stages one event, and ships the frame at a batch end or when full.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void Append(ref T data, long sequence, bool endOfBatch)
    {
        if (_count == 0)
        {
            _firstSequence = sequence;
        }

        int offset = WireFormat.HeaderSize + WireFormat.BatchHeaderSize + (_count * _eventSize);
        _codec.Encode(in data, _frame.AsSpan(offset, _eventSize));
        _count++;
        if (endOfBatch || _count == Options.MaxBatchEvents)
        {
            Ship();
        }
    }

    private void Ship()
    {
        int count = _count;
        _count = 0;
        SinkSubscriber[] subscribers = Volatile.Read(ref _subscribers);
        if (subscribers.Length == 0)
        {
            return;
        }

        int payload = WireFormat.BatchOverhead + (count * _eventSize);
        WireFormat.WriteHeader(_frame, FrameType.Batch, FrameFlags.None, payload, payload);
        WireFormat.WriteBatchHeader(_frame.AsSpan(WireFormat.HeaderSize), _firstSequence, count, _eventSize);
        WireFormat.SealBatch(_frame.AsSpan(WireFormat.HeaderSize, payload));
        ReadOnlySpan<byte> frame = _frame.AsSpan(0, WireFormat.HeaderSize + payload);
        foreach (SinkSubscriber subscriber in subscribers)
        {
            if (!subscriber.IsOpen)
            {
                continue;
            }

            if (subscriber.Buffered + frame.Length > Options.MaxBufferedBytes && !MakeRoomSlow(subscriber, frame.Length, count))
            {
                continue;
            }

            subscriber.Enqueue(frame);
            Metrics.OnQueued(count);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool MakeRoomSlow(SinkSubscriber subscriber, int frameLength, int count)
    {
        switch (Options.SlowSubscriberPolicy)
        {
            case SlowSubscriberPolicy.Drop:
                Metrics.OnDropped(count);
                return false;
            case SlowSubscriberPolicy.Backpressure:
                var spin = default(SpinWait);
                while (subscriber.IsOpen && subscriber.Buffered + frameLength > Options.MaxBufferedBytes)
                {
                    spin.SpinOnce(sleep1Threshold: 20);
                }

                return subscriber.IsOpen;
            default:
                subscriber.Abort(DisconnectReason.SlowSubscriber);
                return false;
        }
    }

    private DisconnectReason Admit(SinkSubscriber subscriber, ReadOnlyMemory<byte> token, uint schema, int eventSize, SessionRole role)
    {
        if (role != SessionRole.Subscriber || schema != Options.SchemaId || eventSize != _eventSize)
        {
            return DisconnectReason.SchemaMismatch;
        }

        ReadOnlySpan<byte> expected = Options.AuthToken.Span;
        if (!expected.IsEmpty && !CryptographicOperations.FixedTimeEquals(token.Span, expected))
        {
            return DisconnectReason.AuthenticationFailed;
        }

        lock (_lock)
        {
            if (_stopped)
            {
                return DisconnectReason.Stopping;
            }

            _subscribers = [.. _subscribers, subscriber];
        }

        Metrics.OnSubscribed();
        return DisconnectReason.None;
    }

    private void OnClosed(SinkSubscriber subscriber, DisconnectReason reason, bool subscribed)
    {
        lock (_lock)
        {
            _subscribers = Array.FindAll(_subscribers, s => !ReferenceEquals(s, subscriber));
            _all = Array.FindAll(_all, s => !ReferenceEquals(s, subscriber));
        }

        Metrics.OnClosed(reason, subscribed);
    }

    private void OnAccepted(Socket socket)
    {
        SinkSubscriber? subscriber = null;
        lock (_lock)
        {
            if (!_stopped && _all.Length < Options.MaxSubscribers)
            {
                subscriber = new SinkSubscriber(socket, Options, Admit, OnClosed);
                _all = [.. _all, subscriber];
            }
        }

        if (subscriber is null)
        {
            socket.Dispose();
            Metrics.OnClosed(DisconnectReason.ConnectionLimit, wasSubscribed: false);
            return;
        }

        subscriber.Start();
    }
}

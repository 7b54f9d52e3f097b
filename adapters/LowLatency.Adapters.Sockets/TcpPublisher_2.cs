using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Security.Authentication;
using System.Security.Cryptography;
using K4os.Compression.LZ4;
using LowLatency.Engine;
using LowLatency.Engine.Pipelines;
using LowLatency.Engine.Sequencing;
using LowLatency.Engine.Waiting;

namespace LowLatency.Adapters.Sockets;

/// <summary>
/// A TCP client that feeds a <see cref="TcpSource{T, TCodec}"/> from another process: it batches events,
/// optionally compresses each batch, keeps every event until the source acks it, and after a reconnect
/// resends from the first event the source has not accepted, so nothing is lost or duplicated.
/// </summary>
/// <remarks>
/// <para>Threading: one producer thread calls <see cref="Publish"/> (single writer; wrap it in a lock to
/// share it); a dedicated sender thread connects, handshakes, encodes and batches whatever is pending and
/// writes; a receive task per connection reads acks.</para>
/// <para>The resend buffer is the engine's own ring: a single-producer <see cref="RingBuffer{T}"/> of
/// <see cref="TcpPublisherOptions.MaxUnackedEvents"/> slots whose only gating sequence is the highest acked
/// sequence. The producer claims and publishes through the sequencer (a full ring is the source's
/// backpressure); the sender follows the cursor through a <see cref="SequenceBarrier"/> and encodes each
/// event on its own thread; an ack moves the gating sequence and frees the slots. Ring sequence and session
/// sequence are the same number, so a slot stays unclaimable until its event is acked, which is exactly how
/// long a resend may need it.</para>
/// <para>Sequence numbers are per session and start at 0; the session id survives reconnects. The source
/// reports the highest sequence it accepted in its welcome, and the sender resumes right after it.</para>
/// </remarks>
/// <typeparam name="T">The event.</typeparam>
/// <typeparam name="TCodec">The wire codec of <typeparamref name="T"/>.</typeparam>
public sealed class TcpPublisher<T, TCodec> : IDisposable, IAsyncDisposable
    where T : struct
    where TCodec : struct, IEventCodec<T>
{
    private readonly EndPoint _remote;
    private readonly TcpPublisherOptions _options;
    private readonly int _eventSize;
    private readonly RingBuffer<T> _ring;
    private readonly SequenceBarrier _pending;
    private readonly byte[] _sendBuffer;

    // The room one batch frame may take in the send buffer (LZ4's worst case): fixed by the options.
    private readonly int _frameBudget;
    private readonly byte[]? _compressScratch;
    private readonly ManualResetEventSlim _stopSignal = new(false);
    private readonly TaskCompletionSource _senderExited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Thread _sender;

    // Highest acked sequence: the ring's gating sequence. Raised (compare-and-set max) by the receive task
    // on an ack and by the sender on a welcome; read by the producer's claim (through the sequencer) and
    // by waiters. Its own padded line (Sequence).
    private readonly Sequence _acked = new();

    // Sender thread only: the codec (not readonly: a stateful codec may mutate itself) and the next
    // sequence to send on the current connection.
    private TCodec _codec;
    private long _sent;
    private long _sentHigh = -1;

    // Completed and replaced whenever the ack or the close reason moves; created by the first waiter.
    private TaskCompletionSource? _ackChanged;

    // Set once by Dispose; read by every loop.
    private volatile bool _disposed;

    // Incremented by the sender thread; read by anyone.
    private long _reconnects;
    private long _framesSent;
    private long _resentEvents;

    // Written by the sender (welcome refusal) or the receive task (close frame); read by anyone.
    private int _lastCloseReason;

    // Written by the sender thread after each connection attempt; read by anyone.
    private int _lastConnectError;

    // The live connection: replaced by the sender thread only (volatile writes); read by anyone.
    private PublisherConnection? _connection;

    /// <summary>Creates a publisher to <paramref name="remote"/>; invalid options fail here, naming the option. Call <see cref="Start"/> to connect.</summary>
    public TcpPublisher(EndPoint remote, TCodec codec, TcpPublisherOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(remote);
        options ??= TcpPublisherOptions.Default;
        options.Validate<T, TCodec>(codec);
        if (options.SessionId == 0)
        {
            options = options with { SessionId = RandomSessionId() };
        }

        _remote = remote;
        _options = options;
        _codec = codec;
        _eventSize = codec.EventSize;
        IWaitStrategy wait = WaitStrategies.Create(options.SenderWaitStrategy);
        _ring = RingBuffer<T>.CreateSingleProducer(options.MaxUnackedEvents, wait);
        _ring.Sequencer.AddGatingSequence(_acked);
        TimeSpan tick = TimeSpan.FromMilliseconds(Math.Min(100, options.HeartbeatInterval.TotalMilliseconds));
        _pending = new SequenceBarrier(_ring.Sequencer, wait, [], tick);
        _sendBuffer = new byte[options.SendBufferSize];
        _frameBudget = WireFormat.HeaderSize + LZ4Codec.MaximumOutputSize(WireFormat.BatchOverhead + (options.MaxBatchEvents * _eventSize));
        if (options.Compression == FrameCompression.Lz4)
        {
            _compressScratch = new byte[WireFormat.BatchOverhead + (options.MaxBatchEvents * _eventSize)];
        }

        _sender = new Thread(SendLoop) { IsBackground = true, Name = "tcp-publisher-send" };
    }

    /// <summary>The session id (drawn at random when the options said 0).</summary>
    public ulong SessionId => _options.SessionId;

    /// <summary>Events published so far (the next event's sequence).</summary>
    public long Published => _ring.Cursor.ValueAcquire + 1;

    /// <summary>Events acked by the source: every sequence below this is done by every terminal stage.</summary>
    public long Acked => _acked.ValueAcquire + 1;

    /// <summary>Connections lost and re-established (or attempted) after the first.</summary>
    public long Reconnects => Volatile.Read(ref _reconnects);

    /// <summary>Batch frames written.</summary>
    public long FramesSent => Volatile.Read(ref _framesSent);

    /// <summary>Events sent again after a reconnect because the source had not accepted them before the connection broke.</summary>
    public long ResentEvents => Volatile.Read(ref _resentEvents);

    /// <summary>The reason of the last close frame the source sent (e.g. <see cref="DisconnectReason.AuthenticationFailed"/>), or None.</summary>
    public DisconnectReason LastCloseReason => (DisconnectReason)Volatile.Read(ref _lastCloseReason);

    /// <summary>
    /// Why the last connection attempt failed at the socket level (<see cref="SocketError.ConnectionRefused"/>,
    /// <see cref="SocketError.TimedOut"/>, ...), or <see cref="SocketError.Success"/> once one succeeded (and
    /// before the first attempt). Lets a host say "connection refused" at once instead of waiting for acks.
    /// </summary>
    public SocketError LastConnectError => (SocketError)Volatile.Read(ref _lastConnectError);

    /// <summary>True while a connection is established and handshaken.</summary>
    public bool IsConnected => Volatile.Read(ref _connection) is { Broken: false };

    /// <summary>Starts the sender thread, which connects and keeps reconnecting until disposed.</summary>
    public void Start() => _sender.Start();

    /// <summary>
    /// Hands <paramref name="value"/> to the sender through the resend ring. Blocks while
    /// <see cref="TcpPublisherOptions.MaxUnackedEvents"/> events are unacked (backpressure from the source);
    /// throws <see cref="PipelineClosedException"/> once the publisher is disposed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Publish(in T value)
    {
        long sequence = _ring.Next();
        _ring[sequence] = value;
        _ring.Publish(sequence);
    }

    /// <summary>
    /// Like <see cref="Publish"/>, but returns false instead of blocking when the resend ring is full; throws
    /// <see cref="PipelineClosedException"/> once the publisher is disposed, as <see cref="Publish"/> does.
    /// </summary>
    public bool TryPublish(in T value)
    {
        PublishResult result = _ring.TryNext(out long sequence);
        if (result != PublishResult.Ok)
        {
            if (result == PublishResult.Closed)
            {
                SocketsThrowHelper.ThrowClosed();
            }

            return false;
        }

        _ring[sequence] = value;
        _ring.Publish(sequence);
        return true;
    }

    /// <summary>Publishes <paramref name="values"/> in order, in claims of up to half the ring, blocking like <see cref="Publish"/>.</summary>
    public void PublishBatch(ReadOnlySpan<T> values)
    {
        int chunk = Math.Max(1, _ring.Capacity / 2);
        while (!values.IsEmpty)
        {
            int n = Math.Min(values.Length, chunk);
            long high = _ring.Next(n);
            long low = high - n + 1;
            for (int i = 0; i < n; i++)
            {
                _ring[low + i] = values[i];
            }

            _ring.Publish(low, high);
            values = values[n..];
        }
    }

    /// <summary>
    /// Completes once every event published before the call is acked (done by every terminal stage of the
    /// source's pipeline). Fails — never returns a flag to ignore — with <see cref="TimeoutException"/> after
    /// <paramref name="timeout"/> (saying how far it got), with <see cref="ProtocolException"/> at once when
    /// the source refused the session (bad token, schema or version: retrying cannot help), with
    /// <see cref="ObjectDisposedException"/> when disposed, and with <see cref="OperationCanceledException"/>
    /// when <paramref name="cancellationToken"/> fires.
    /// </summary>
    public async Task WaitUntilAckedAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        long target = Published;
        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (true)
        {
            Task changed = AckChanged();
            if (Acked >= target)
            {
                return;
            }

            ObjectDisposedException.ThrowIf(_disposed, this);
            // A refusal that a later handshake got past (the source was fixed and restarted) no longer counts.
            DisconnectReason refused = LastCloseReason;
            if (IsRefusal(refused) && !IsConnected)
            {
                throw new ProtocolException(refused, $"The source refused the session ({refused}); {Acked} of {target} events acked. Retrying cannot help: fix the token, schema or wire version.");
            }

            long left = deadline - Environment.TickCount64;
            if (left <= 0)
            {
                throw new TimeoutException($"{Acked} of {target} events acked after {timeout.TotalSeconds:0.###} s waiting for acks from {_remote} (connected: {(IsConnected ? "yes" : "no")}, reconnects: {Reconnects}, last connect error: {LastConnectError}, last close reason: {LastCloseReason}).");
            }

            try
            {
                await changed.WaitAsync(TimeSpan.FromMilliseconds(Math.Min(left, 100)), cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Look again: the deadline and the connection state are re-read at the top.
            }
        }
    }

    /// <summary>Blocking form of <see cref="WaitUntilAckedAsync"/> for threads that publish synchronously; throws the same way.</summary>
    public void WaitUntilAcked(TimeSpan timeout) => WaitUntilAckedAsync(timeout).GetAwaiter().GetResult();

    /// <summary>Stops the sender and closes the connection. Unacked events are abandoned; a blocked <see cref="Publish"/> throws.</summary>
    public void Dispose()
    {
        if (!BeginDispose())
        {
            return;
        }

        if (_sender.IsAlive)
        {
            _sender.Join(TimeSpan.FromSeconds(5));
        }

        EndDispose();
    }

    /// <summary>Like <see cref="Dispose"/>, without blocking a thread while the sender stops (bounded at 5 s).</summary>
    public async ValueTask DisposeAsync()
    {
        if (!BeginDispose())
        {
            return;
        }

        if (_sender.ThreadState != ThreadState.Unstarted)
        {
            try
            {
                await _senderExited.Task.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // The sender is stuck in a socket call; disposing the connection below unblocks it.
            }
        }

        EndDispose();
    }

    private bool BeginDispose()
    {
        if (_disposed)
        {
            return false;
        }

        _disposed = true;
        _ring.Sequencer.Close();
        _stopSignal.Set();
        _pending.Alert();
        SignalAckChanged();
        return true;
    }

    private void EndDispose() => Volatile.Read(ref _connection)?.Dispose();

    private static bool IsRefusal(DisconnectReason reason) =>
        reason is DisconnectReason.AuthenticationFailed or DisconnectReason.SchemaMismatch or DisconnectReason.UnsupportedVersion;

    private Task AckChanged()
    {
        TaskCompletionSource? current = Volatile.Read(ref _ackChanged);
        if (current is null)
        {
            var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            current = Interlocked.CompareExchange(ref _ackChanged, created, null) ?? created;
        }

        return current.Task;
    }

    private void SignalAckChanged() => Interlocked.Exchange(ref _ackChanged, null)?.TrySetResult();

    private void SetCloseReason(DisconnectReason reason)
    {
        Volatile.Write(ref _lastCloseReason, (int)reason);
        SignalAckChanged();
    }

    private static ulong RandomSessionId()
    {
        Span<byte> bytes = stackalloc byte[8];
        ulong id;
        do
        {
            RandomNumberGenerator.Fill(bytes);
            id = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        }
        while (id == 0);
        return id;
    }

    /// <summary>Raises the acked sequence to <paramref name="highest"/> if it is higher (compare-and-set max: two writers).</summary>
    private void AdvanceAcked(long highest)
    {
        long current = _acked.ValueAcquire;
        while (highest > current)
        {
            if (_acked.CompareAndSet(current, highest))
            {
                SignalAckChanged();
                return;
            }

            current = _acked.ValueAcquire;
        }
    }

    private void SendLoop()
    {
        try
        {
            SendUntilDisposed();
        }
        finally
        {
            _senderExited.TrySetResult();
        }
    }

    private void SendUntilDisposed()
    {
        TimeSpan delay = _options.ReconnectDelay;
        long lastSend = Environment.TickCount64;
        bool everConnected = false;
        while (!_disposed)
        {
            PublisherConnection? connection = _connection;
            if (connection is null || connection.Broken)
            {
                if (connection is not null)
                {
                    Teardown(connection);
                }

                if (everConnected)
                {
                    Interlocked.Increment(ref _reconnects);
                }

                try
                {
                    connection = Connect();
                    Volatile.Write(ref _lastConnectError, (int)SocketError.Success);
                    Volatile.Write(ref _connection, connection);
                    everConnected = true;
                    delay = _options.ReconnectDelay;
                    lastSend = Environment.TickCount64;
                }
                catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or AuthenticationException or ObjectDisposedException)
                {
                    Volatile.Write(ref _lastConnectError, (int)(e switch
                    {
                        SocketException { SocketErrorCode: var code } => code,
                        IOException { InnerException: SocketException { SocketErrorCode: var code } } => code,
                        OperationCanceledException => SocketError.TimedOut,
                        _ => SocketError.SocketError,
                    }));
                    _stopSignal.Wait(delay);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxReconnectDelay.Ticks));
                }

                continue;
            }

            try
            {
                // Acquire; pairs with the producer's release of the cursor in Publish.
                long available = _ring.Cursor.ValueAcquire;
                if (_sent <= available)
                {
                    SendAvailable(connection, available);
                    lastSend = Environment.TickCount64;
                    continue;
                }

                if (Environment.TickCount64 - lastSend >= (long)_options.HeartbeatInterval.TotalMilliseconds)
                {
                    int length = WireFormat.WriteHeartbeat(_sendBuffer);
                    connection.Stream.Write(_sendBuffer, 0, length);
                    lastSend = Environment.TickCount64;
                }
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
            {
                connection.MarkBroken();
                continue;
            }

            // Wakes on a publication, on the timeout tick (heartbeats), or on an alert (a broken connection, Dispose).
            if (_pending.WaitFor(_sent) == SequenceBarrier.Alerted)
            {
                _pending.ClearAlert();
            }
        }

        PublisherConnection? last = Volatile.Read(ref _connection);
        if (last is not null)
        {
            Teardown(last);
        }
    }

    private void Teardown(PublisherConnection connection)
    {
        connection.Dispose();
        try
        {
            connection.Receiving.Wait(TimeSpan.FromSeconds(1));
        }
        catch (AggregateException)
        {
            // The receive task ends with the connection; its failure is the reason we are here.
        }

        Volatile.Write(ref _connection, null);
    }

    private PublisherConnection Connect()
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream? stream = null;
        try
        {
            using (var connectTimeout = new CancellationTokenSource(_options.ConnectTimeout))
            {
                socket.ConnectAsync(_remote, connectTimeout.Token).AsTask().GetAwaiter().GetResult();
            }

            socket.ReceiveTimeout = (int)_options.HandshakeTimeout.TotalMilliseconds;
            socket.SendTimeout = (int)_options.HandshakeTimeout.TotalMilliseconds;
            stream = new NetworkStream(socket, ownsSocket: false);
            if (_options.Tls is { } tls)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                using var handshakeTimeout = new CancellationTokenSource(_options.HandshakeTimeout);
                ssl.AuthenticateAsClientAsync(tls, handshakeTimeout.Token).GetAwaiter().GetResult();
            }

            int helloLength = WireFormat.WriteHello(_sendBuffer, _options.SessionId, _options.SchemaId, _eventSize, SessionRole.Publisher, _options.AuthToken.Span);
            stream.Write(_sendBuffer, 0, helloLength);
            ReadWelcome(stream);
            socket.ReceiveTimeout = 0;
            socket.SendTimeout = 0;
            var connection = new PublisherConnection(socket, stream);
            connection.Receiving = ReceiveAsync(connection);
            return connection;
        }
        catch
        {
            stream?.Dispose();
            socket.Dispose();
            throw;
        }
    }

    private void ReadWelcome(Stream stream)
    {
        Span<byte> frame = stackalloc byte[WireFormat.HeaderSize + WireFormat.WelcomeSize];
        stream.ReadExactly(frame[..WireFormat.HeaderSize]);
        FrameHeader header = FrameHeader.Read(frame);
        DisconnectReason invalid = header.Validate(_options.MaxReceiveFrameSize, _options.MaxReceiveFrameSize);
        if (invalid != DisconnectReason.None)
        {
            throw new ProtocolException(invalid);
        }

        if (header.Type == FrameType.Close)
        {
            Span<byte> close = frame.Slice(WireFormat.HeaderSize, WireFormat.CloseSize);
            stream.ReadExactly(close);
            var reason = (DisconnectReason)BinaryPrimitives.ReadUInt16LittleEndian(close);
            SetCloseReason(reason);
            throw new ProtocolException(reason);
        }

        if (header.Type != FrameType.Welcome)
        {
            throw new ProtocolException(DisconnectReason.UnexpectedFrame);
        }

        Span<byte> payload = frame.Slice(WireFormat.HeaderSize, WireFormat.WelcomeSize);
        stream.ReadExactly(payload);
        ulong session = BinaryPrimitives.ReadUInt64LittleEndian(payload);
        long accepted = BinaryPrimitives.ReadInt64LittleEndian(payload[8..]);
        long acked = BinaryPrimitives.ReadInt64LittleEndian(payload[16..]);
        if (session != _options.SessionId || accepted >= Published || acked > accepted)
        {
            // The source knows events this publisher never sent: another publisher uses the session id.
            throw new ProtocolException(DisconnectReason.MalformedPayload);
        }

        AdvanceAcked(acked);
        _sent = Math.Max(accepted + 1, Acked);
    }

    private async Task ReceiveAsync(PublisherConnection connection)
    {
        await Task.Yield();
        PipeReader reader = PipeReader.Create(connection.Stream, new StreamPipeReaderOptions(bufferSize: 4096, leaveOpen: true));
        try
        {
            while (true)
            {
                ReadResult result = await reader.ReadAsync().ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                bool closed = HandleServerFrames(ref buffer);
                reader.AdvanceTo(buffer.Start, buffer.End);
                if (closed || result.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The connection failed; the sender reconnects.
        }
        finally
        {
            connection.MarkBroken();
            _pending.Alert();
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    private bool HandleServerFrames(ref ReadOnlySequence<byte> buffer)
    {
        Span<byte> frame = stackalloc byte[WireFormat.HeaderSize + WireFormat.AckSize];
        while (buffer.Length >= WireFormat.HeaderSize)
        {
            buffer.Slice(0, WireFormat.HeaderSize).CopyTo(frame);
            FrameHeader header = FrameHeader.Read(frame);
            DisconnectReason invalid = header.Validate(_options.MaxReceiveFrameSize, _options.MaxReceiveFrameSize);
            if (invalid != DisconnectReason.None)
            {
                throw new ProtocolException(invalid);
            }

            long length = WireFormat.HeaderSize + (long)header.PayloadLength;
            if (buffer.Length < length)
            {
                return false;
            }

            ReadOnlySequence<byte> payload = buffer.Slice(WireFormat.HeaderSize, header.PayloadLength);
            switch (header.Type)
            {
                case FrameType.Ack:
                    payload.CopyTo(frame);
                    AdvanceAcked(BinaryPrimitives.ReadInt64LittleEndian(frame));
                    break;
                case FrameType.Heartbeat:
                    break;
                case FrameType.Close:
                    payload.CopyTo(frame);
                    SetCloseReason((DisconnectReason)BinaryPrimitives.ReadUInt16LittleEndian(frame));
                    buffer = buffer.Slice(length);
                    return true;
                default:
                    throw new ProtocolException(DisconnectReason.UnexpectedFrame);
            }

            buffer = buffer.Slice(length);
        }

        return false;
    }

    private void SendAvailable(PublisherConnection connection, long available)
    {
        int used = 0;
        while (_sent <= available && _sendBuffer.Length - used >= _frameBudget)
        {
            int count = (int)Math.Min(available - _sent + 1, _options.MaxBatchEvents);
            used += WriteBatchFrame(_sendBuffer.AsSpan(used), _sent, count);
            if (_sent <= _sentHigh)
            {
                Interlocked.Add(ref _resentEvents, Math.Min(count, _sentHigh - _sent + 1));
            }

            _sent += count;
            _sentHigh = Math.Max(_sentHigh, _sent - 1);
            Interlocked.Increment(ref _framesSent);
        }

        connection.Stream.Write(_sendBuffer, 0, used);
    }

    private int WriteBatchFrame(Span<byte> destination, long first, int count)
    {
        int payloadLength = WireFormat.BatchOverhead + (count * _eventSize);
        if (_compressScratch is null)
        {
            WireFormat.WriteHeader(destination, FrameType.Batch, FrameFlags.None, payloadLength, payloadLength);
            WriteBatchPayload(destination.Slice(WireFormat.HeaderSize, payloadLength), first, count);
            return WireFormat.HeaderSize + payloadLength;
        }

        Span<byte> plain = _compressScratch.AsSpan(0, payloadLength);
        WriteBatchPayload(plain, first, count);
        int compressed = LZ4Codec.Encode(plain, destination[WireFormat.HeaderSize..]);
        if (compressed <= 0 || compressed >= payloadLength)
        {
            plain.CopyTo(destination[WireFormat.HeaderSize..]);
            WireFormat.WriteHeader(destination, FrameType.Batch, FrameFlags.None, payloadLength, payloadLength);
            return WireFormat.HeaderSize + payloadLength;
        }

        WireFormat.WriteHeader(destination, FrameType.Batch, FrameFlags.Lz4, compressed, payloadLength);
        return WireFormat.HeaderSize + compressed;
    }

    private void WriteBatchPayload(Span<byte> payload, long first, int count)
    {
        WireFormat.WriteBatchHeader(payload, first, count, _eventSize);
        EncodeEvents(first, count, payload[WireFormat.BatchHeaderSize..]);
        WireFormat.SealBatch(payload);
    }

    private void EncodeEvents(long first, int count, Span<byte> destination)
    {
        // Slots from first on are unacked, so the producer cannot claim them while they are read here.
        int done = 0;
        while (done < count)
        {
            Span<T> slots = _ring.GetContiguousSpan(first + done, count - done);
            for (int i = 0; i < slots.Length; i++)
            {
                _codec.Encode(in slots[i], destination.Slice((done + i) * _eventSize, _eventSize));
            }

            done += slots.Length;
        }
    }
}

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

namespace LowLatency.Adapters.Sockets;

/// <summary>
/// A TCP client that feeds a <see cref="TcpSource{T, TCodec}"/> from another process: it batches events,
/// optionally compresses each batch, keeps every event until the source acks it, and after a reconnect
/// resends from the first event the source has not accepted, so nothing is lost or duplicated.
/// </summary>
/// <remarks>
/// <para>Threading: one producer thread calls <see cref="Publish"/> (single writer; wrap it in a lock to
/// share it); a dedicated sender thread connects, handshakes, batches whatever is pending and writes; a
/// receive task per connection reads acks. Events are encoded once, into a ring of
/// <see cref="TcpPublisherOptions.MaxUnackedEvents"/> slots that doubles as the resend buffer.</para>
/// <para>Sequence numbers are per session and start at 0; the session id survives reconnects. The source
/// reports the highest sequence it accepted in its welcome, and the sender resumes right after it.</para>
/// </remarks>
/// <typeparam name="T">The event.</typeparam>
/// <typeparam name="TCodec">The wire codec of <typeparamref name="T"/>.</typeparam>
public sealed class TcpPublisher<T, TCodec> : IDisposable
    where T : struct
    where TCodec : struct, IEventCodec<T>
{
    private readonly EndPoint _remote;
    private readonly TcpPublisherOptions _options;
    private readonly int _eventSize;
    private readonly int _capacity;
    private readonly long _mask;
    private readonly byte[] _events;
    private readonly byte[] _sendBuffer;
    private readonly byte[]? _compressScratch;
    private readonly ManualResetEventSlim _dataSignal = new(false);
    private readonly ManualResetEventSlim _ackSignal = new(false);
    private readonly Thread _sender;

    // Not readonly: a stateful codec may mutate itself.
    private TCodec _codec;

    // Written by the producer thread (release), read by the sender (acquire).
    private long _published;

    // Count of events acked (every sequence below it). Raised by the receive task (interlocked max);
    // read by the producer (room), the sender (resume point) and waiters.
    private long _acked;

    // Sender thread only: next sequence to send on the current connection.
    private long _sent;

    // 1 while the sender is about to wait for data; the producer signals only then (Dekker-style:
    // both sides fence between their store and their load).
    private int _senderIdle;

    // Set once by Dispose; read by every loop.
    private volatile bool _disposed;

    // Incremented by the sender thread; read by anyone.
    private long _reconnects;
    private long _framesSent;

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
        _capacity = options.MaxUnackedEvents;
        _mask = _capacity - 1;
        _events = new byte[_capacity * _eventSize];
        _sendBuffer = new byte[options.SendBufferSize];
        if (options.Compression == FrameCompression.Lz4)
        {
            _compressScratch = new byte[WireFormat.BatchOverhead + (options.MaxBatchEvents * _eventSize)];
        }

        _sender = new Thread(SendLoop) { IsBackground = true, Name = "tcp-publisher-send" };
    }

    /// <summary>The session id (drawn at random when the options said 0).</summary>
    public ulong SessionId => _options.SessionId;

    /// <summary>Events published so far (the next event's sequence).</summary>
    public long Published => Volatile.Read(ref _published);

    /// <summary>Events acked by the source: every sequence below this is done by every terminal stage.</summary>
    public long Acked => Volatile.Read(ref _acked);

    /// <summary>Connections lost and re-established (or attempted) after the first.</summary>
    public long Reconnects => Volatile.Read(ref _reconnects);

    /// <summary>Batch frames written.</summary>
    public long FramesSent => Volatile.Read(ref _framesSent);

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
    /// Encodes <paramref name="value"/> into the resend ring and hands it to the sender. Blocks while
    /// <see cref="TcpPublisherOptions.MaxUnackedEvents"/> events are unacked (backpressure from the source).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Publish(in T value)
    {
        long sequence = _published;
        if (sequence - Volatile.Read(ref _acked) >= _capacity)
        {
            WaitForRoomSlow(sequence);
        }

        _codec.Encode(in value, _events.AsSpan((int)(sequence & _mask) * _eventSize, _eventSize));
        Commit(sequence + 1);
    }

    /// <summary>Like <see cref="Publish"/>, but returns false instead of blocking when the resend ring is full.</summary>
    public bool TryPublish(in T value)
    {
        long sequence = _published;
        if (sequence - Volatile.Read(ref _acked) >= _capacity)
        {
            return false;
        }

        _codec.Encode(in value, _events.AsSpan((int)(sequence & _mask) * _eventSize, _eventSize));
        Commit(sequence + 1);
        return true;
    }

    /// <summary>Publishes <paramref name="values"/> in order, signalling the sender once.</summary>
    public void PublishBatch(ReadOnlySpan<T> values)
    {
        long sequence = _published;
        for (int i = 0; i < values.Length; i++)
        {
            if (sequence - Volatile.Read(ref _acked) >= _capacity)
            {
                Commit(sequence);
                WaitForRoomSlow(sequence);
            }

            _codec.Encode(in values[i], _events.AsSpan((int)(sequence & _mask) * _eventSize, _eventSize));
            sequence++;
        }

        Commit(sequence);
    }

    /// <summary>Waits until every published event is acked; false on timeout.</summary>
    public bool WaitUntilAcked(TimeSpan timeout)
    {
        long target = Volatile.Read(ref _published);
        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (Volatile.Read(ref _acked) < target)
        {
            long left = deadline - Environment.TickCount64;
            if (left <= 0 || _disposed)
            {
                return false;
            }

            _ackSignal.Wait(TimeSpan.FromMilliseconds(Math.Min(left, 50)));
            _ackSignal.Reset();
        }

        return true;
    }

    /// <summary>Stops the sender and closes the connection. Unacked events are abandoned.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _dataSignal.Set();
        _ackSignal.Set();
        if (_sender.IsAlive)
        {
            _sender.Join(TimeSpan.FromSeconds(5));
        }

        Volatile.Read(ref _connection)?.Dispose();
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Commit(long published)
    {
        // Full fence: the sender stores _senderIdle then loads _published; we store _published then
        // load _senderIdle. Without it both could miss the other and the sender would sleep a period.
        Interlocked.Exchange(ref _published, published);
        if (Volatile.Read(ref _senderIdle) != 0)
        {
            _dataSignal.Set();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void WaitForRoomSlow(long sequence)
    {
        while (sequence - Volatile.Read(ref _acked) >= _capacity)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _ackSignal.Wait(TimeSpan.FromMilliseconds(10));
            _ackSignal.Reset();
        }
    }

    private void AdvanceAcked(long count)
    {
        long current = Volatile.Read(ref _acked);
        while (count > current)
        {
            long seen = Interlocked.CompareExchange(ref _acked, count, current);
            if (seen == current)
            {
                _ackSignal.Set();
                return;
            }

            current = seen;
        }
    }

    private void SendLoop()
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
                    _dataSignal.Wait(delay);
                    _dataSignal.Reset();
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxReconnectDelay.Ticks));
                }

                continue;
            }

            long published = Volatile.Read(ref _published);
            try
            {
                if (_sent < published)
                {
                    SendAvailable(connection, published);
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

            Interlocked.Exchange(ref _senderIdle, 1);
            if (Volatile.Read(ref _published) == _sent && !_disposed && !connection.Broken)
            {
                _dataSignal.Wait(TimeSpan.FromMilliseconds(Math.Min(100, _options.HeartbeatInterval.TotalMilliseconds)));
            }

            _dataSignal.Reset();
            Volatile.Write(ref _senderIdle, 0);
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
            Volatile.Write(ref _lastCloseReason, (int)reason);
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
        long published = Volatile.Read(ref _published);
        if (session != _options.SessionId || accepted >= published || acked > accepted)
        {
            // The source knows events this publisher never sent: another publisher uses the session id.
            throw new ProtocolException(DisconnectReason.MalformedPayload);
        }

        AdvanceAcked(acked + 1);
        _sent = Math.Max(accepted + 1, Volatile.Read(ref _acked));
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
            _dataSignal.Set();
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
                    AdvanceAcked(BinaryPrimitives.ReadInt64LittleEndian(frame) + 1);
                    break;
                case FrameType.Heartbeat:
                    break;
                case FrameType.Close:
                    payload.CopyTo(frame);
                    Volatile.Write(ref _lastCloseReason, BinaryPrimitives.ReadUInt16LittleEndian(frame));
                    buffer = buffer.Slice(length);
                    return true;
                default:
                    throw new ProtocolException(DisconnectReason.UnexpectedFrame);
            }

            buffer = buffer.Slice(length);
        }

        return false;
    }

    private void SendAvailable(PublisherConnection connection, long published)
    {
        int used = 0;
        int maxBatch = _options.MaxBatchEvents;
        int frameBudget = WireFormat.HeaderSize + LZ4Codec.MaximumOutputSize(WireFormat.BatchOverhead + (maxBatch * _eventSize));
        while (_sent < published && _sendBuffer.Length - used >= frameBudget)
        {
            int count = (int)Math.Min(published - _sent, maxBatch);
            used += WriteBatchFrame(_sendBuffer.AsSpan(used), _sent, count);
            _sent += count;
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
        CopyEvents(first, count, payload[WireFormat.BatchHeaderSize..]);
        WireFormat.SealBatch(payload);
    }

    private void CopyEvents(long first, int count, Span<byte> destination)
    {
        int index = (int)(first & _mask);
        int head = Math.Min(count, _capacity - index);
        _events.AsSpan(index * _eventSize, head * _eventSize).CopyTo(destination);
        if (head < count)
        {
            _events.AsSpan(0, (count - head) * _eventSize).CopyTo(destination[(head * _eventSize)..]);
        }
    }
}

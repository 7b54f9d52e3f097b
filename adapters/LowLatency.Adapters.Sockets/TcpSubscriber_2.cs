using System.Buffers.Binary;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using K4os.Compression.LZ4;
using LowLatency.Engine.Integrity;

namespace LowLatency.Adapters.Sockets;

/// <summary>
/// A blocking client of a <see cref="TcpSink{T, TCodec}"/>: connects, says hello as a subscriber, and
/// decodes the batch frames it receives into the caller's span. Frames are checked against
/// <see cref="MaxFrameSize"/> on their header like everywhere else; violations throw <see cref="ProtocolException"/>.
/// </summary>
/// <typeparam name="T">The event.</typeparam>
/// <typeparam name="TCodec">The wire codec.</typeparam>
public sealed class TcpSubscriber<T, TCodec> : IDisposable, IAsyncDisposable
    where T : struct
    where TCodec : struct, IEventCodec<T>
{
    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly int _eventSize;
    private readonly byte[] _header = new byte[WireFormat.HeaderSize];
    private byte[] _payload = new byte[4096];
    private byte[] _inflated = new byte[4096];

    // Not readonly: a stateful codec may mutate itself.
    private TCodec _codec;

    // The frame being handed out: its events, the next one's index and sequence.
    private byte[] _events = [];
    private int _eventsOffset;
    private int _remaining;
    private long _nextSequence;

    private TcpSubscriber(Socket socket, Stream stream, TCodec codec, int maxFrameSize)
    {
        _socket = socket;
        _stream = stream;
        _codec = codec;
        _eventSize = codec.EventSize;
        MaxFrameSize = maxFrameSize;
    }

    /// <summary>Largest frame payload accepted (compressed or not).</summary>
    public int MaxFrameSize { get; }

    /// <summary>
    /// Connects to a sink and completes the handshake, blocking the calling thread: <see cref="ConnectAsync"/> waited on,
    /// so it throws the same way (<see cref="ProtocolException"/> if the sink refuses, <see cref="OperationCanceledException"/>
    /// when the connection and handshake take longer than 10 s).
    /// </summary>
    public static TcpSubscriber<T, TCodec> Connect(EndPoint sink, TCodec codec, uint schemaId, ReadOnlySpan<byte> authToken = default, SslClientAuthenticationOptions? tls = null, int maxFrameSize = 1 << 20) =>
        ConnectAsync(sink, codec, schemaId, authToken.ToArray(), tls, maxFrameSize).GetAwaiter().GetResult();

    /// <summary>
    /// Connects to a sink and completes the handshake without blocking a thread. Throws <see cref="ProtocolException"/>
    /// if the sink refuses (see its reason: a v1 sink answers <see cref="DisconnectReason.UnsupportedVersion"/>),
    /// <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> fires or the connection and
    /// handshake take longer than <paramref name="timeout"/> (default 10 s).
    /// </summary>
    public static async Task<TcpSubscriber<T, TCodec>> ConnectAsync(EndPoint sink, TCodec codec, uint schemaId, ReadOnlyMemory<byte> authToken = default, SslClientAuthenticationOptions? tls = null, int maxFrameSize = 1 << 20, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sink);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(timeout ?? TimeSpan.FromSeconds(10));
        CancellationToken token = bounded.Token;
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream? stream = null;
        try
        {
            await socket.ConnectAsync(sink, token).ConfigureAwait(false);
            stream = new NetworkStream(socket, ownsSocket: false);
            if (tls is not null)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                await ssl.AuthenticateAsClientAsync(tls, token).ConfigureAwait(false);
            }

            byte[] hello = new byte[WireFormat.HeaderSize + WireFormat.HelloFixedSize + authToken.Length];
            WireFormat.WriteHello(hello, 1, schemaId, codec.EventSize, SessionRole.Subscriber, authToken.Span);
            await stream.WriteAsync(hello, token).ConfigureAwait(false);
            var subscriber = new TcpSubscriber<T, TCodec>(socket, stream, codec, maxFrameSize);
            await stream.ReadExactlyAsync(subscriber._header, token).ConfigureAwait(false);
            FrameHeader header = subscriber.CheckHeader();
            await stream.ReadExactlyAsync(subscriber.PayloadMemory(header.PayloadLength), token).ConfigureAwait(false);
            subscriber.AcceptHandshake(header);
            return subscriber;
        }
        catch
        {
            if (stream is not null)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }

            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Waits without blocking a thread until events are available and decodes up to <paramref name="destination"/>.Length
    /// of them; returns how many and the sink's ring sequence of the first (a jump means the sink dropped events for this
    /// subscriber). Count 0: the sink closed the connection. Honours <paramref name="cancellationToken"/>.
    /// </summary>
    public async ValueTask<(int Count, long FirstSequence)> ReadAsync(Memory<T> destination, CancellationToken cancellationToken = default)
    {
        while (_remaining == 0)
        {
            if (!await NextBatchAsync(cancellationToken).ConfigureAwait(false))
            {
                return (0, -1);
            }
        }

        int n = Take(destination.Span, out long first);
        return (n, first);
    }

    /// <summary>
    /// Blocks until events are available and decodes up to <paramref name="destination"/>.Length of them;
    /// <paramref name="firstSequence"/> is the sink's ring sequence of the first one (a jump means the sink
    /// dropped events for this subscriber). Returns 0 when the sink closed the connection.
    /// </summary>
    public int Read(Span<T> destination, out long firstSequence)
    {
        while (_remaining == 0)
        {
            if (!NextBatch())
            {
                firstSequence = -1;
                return 0;
            }
        }

        return Take(destination, out firstSequence);
    }

    /// <summary>Like <see cref="Dispose"/>, writing the close frame without blocking a thread (bounded at 1 s).</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            byte[] close = new byte[WireFormat.HeaderSize + WireFormat.CloseSize];
            WireFormat.WriteClose(close, DisconnectReason.Normal);
            using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await _stream.WriteAsync(close, bounded.Token).ConfigureAwait(false);
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // Already gone, or not reading: the connection drop says the same.
        }

        await _stream.DisposeAsync().ConfigureAwait(false);
        _socket.Dispose();
    }

    /// <summary>Sends a close frame (best effort) and closes the connection.</summary>
    public void Dispose()
    {
        try
        {
            byte[] close = new byte[WireFormat.HeaderSize + WireFormat.CloseSize];
            WireFormat.WriteClose(close, DisconnectReason.Normal);
            _stream.Write(close);
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            // Already gone.
        }

        _stream.Dispose();
        _socket.Dispose();
    }

    private bool NextBatch()
    {
        try
        {
            _stream.ReadExactly(_header);
        }
        catch (EndOfStreamException)
        {
            return false;
        }

        FrameHeader header = CheckHeader();
        _stream.ReadExactly(PayloadMemory(header.PayloadLength).Span);
        return AcceptFrame(header);
    }

    private async ValueTask<bool> NextBatchAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _stream.ReadExactlyAsync(_header, cancellationToken).ConfigureAwait(false);
        }
        catch (EndOfStreamException)
        {
            return false;
        }

        FrameHeader header = CheckHeader();
        await _stream.ReadExactlyAsync(PayloadMemory(header.PayloadLength), cancellationToken).ConfigureAwait(false);
        return AcceptFrame(header);
    }

    private FrameHeader CheckHeader()
    {
        FrameHeader header = FrameHeader.Read(_header);
        DisconnectReason invalid = header.Validate(MaxFrameSize, MaxFrameSize);
        return invalid == DisconnectReason.None ? header : throw new ProtocolException(invalid);
    }

    /// <summary>The sink's answer to the hello, its payload read: a welcome, or a close frame carrying why not.</summary>
    private void AcceptHandshake(FrameHeader header)
    {
        switch (header.Type)
        {
            case FrameType.Welcome:
                return;
            case FrameType.Close:
                throw new ProtocolException((DisconnectReason)BinaryPrimitives.ReadUInt16LittleEndian(_payload));
            default:
                throw new ProtocolException(DisconnectReason.UnexpectedFrame);
        }
    }

    /// <summary>Handles a frame whose payload is in <see cref="_payload"/>: false at a close, true otherwise (a batch is then handed out).</summary>
    private bool AcceptFrame(FrameHeader header)
    {
        switch (header.Type)
        {
            case FrameType.Heartbeat:
                return true;
            case FrameType.Close:
                return false;
            case FrameType.Batch:
                break;
            default:
                throw new ProtocolException(DisconnectReason.UnexpectedFrame);
        }

        byte[] body = _payload;
        if ((header.Flags & FrameFlags.Lz4) != 0)
        {
            if (_inflated.Length < header.UncompressedLength)
            {
                _inflated = new byte[header.UncompressedLength];
            }

            if (LZ4Codec.Decode(_payload.AsSpan(0, header.PayloadLength), _inflated.AsSpan(0, header.UncompressedLength)) != header.UncompressedLength)
            {
                throw new ProtocolException(DisconnectReason.CompressionError);
            }

            body = _inflated;
        }

        int covered = header.UncompressedLength - WireFormat.ChecksumSize;
        if (Crc32C.Compute(body.AsSpan(0, covered)) != BinaryPrimitives.ReadUInt32LittleEndian(body.AsSpan(covered)))
        {
            throw new ProtocolException(DisconnectReason.ChecksumMismatch);
        }

        long first = BinaryPrimitives.ReadInt64LittleEndian(body);
        int count = BinaryPrimitives.ReadInt32LittleEndian(body.AsSpan(8));
        int eventSize = BinaryPrimitives.ReadInt32LittleEndian(body.AsSpan(12));
        if (eventSize != _eventSize || count < 0 || WireFormat.BatchOverhead + ((long)count * eventSize) != header.UncompressedLength)
        {
            throw new ProtocolException(DisconnectReason.MalformedPayload);
        }

        _events = body;
        _eventsOffset = WireFormat.BatchHeaderSize;
        _remaining = count;
        _nextSequence = first;
        return true;
    }

    private int Take(Span<T> destination, out long firstSequence)
    {
        int n = Math.Min(destination.Length, _remaining);
        for (int i = 0; i < n; i++)
        {
            _codec.Decode(_events.AsSpan(_eventsOffset, _eventSize), ref destination[i]);
            _eventsOffset += _eventSize;
        }

        firstSequence = _nextSequence;
        _nextSequence += n;
        _remaining -= n;
        return n;
    }

    private Memory<byte> PayloadMemory(int length)
    {
        if (_payload.Length < length)
        {
            _payload = new byte[length];
        }

        return _payload.AsMemory(0, length);
    }
}

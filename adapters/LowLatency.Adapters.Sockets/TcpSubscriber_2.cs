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
public sealed class TcpSubscriber<T, TCodec> : IDisposable
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

    /// <summary>Connects to a sink and completes the handshake; throws <see cref="ProtocolException"/> if the sink refuses (see its reason).</summary>
    public static TcpSubscriber<T, TCodec> Connect(EndPoint sink, TCodec codec, uint schemaId, ReadOnlySpan<byte> authToken = default, SslClientAuthenticationOptions? tls = null, int maxFrameSize = 1 << 20)
    {
        ArgumentNullException.ThrowIfNull(sink);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream? stream = null;
        try
        {
            socket.Connect(sink);
            stream = new NetworkStream(socket, ownsSocket: false);
            if (tls is not null)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                ssl.AuthenticateAsClient(tls);
            }

            byte[] hello = new byte[WireFormat.HeaderSize + WireFormat.HelloFixedSize + authToken.Length];
            WireFormat.WriteHello(hello, 1, schemaId, codec.EventSize, SessionRole.Subscriber, authToken);
            stream.Write(hello);
            var subscriber = new TcpSubscriber<T, TCodec>(socket, stream, codec, maxFrameSize);
            FrameHeader header = subscriber.ReadHeader();
            if (header.Type == FrameType.Close)
            {
                throw new ProtocolException(subscriber.ReadCloseReason(header));
            }

            if (header.Type != FrameType.Welcome)
            {
                throw new ProtocolException(DisconnectReason.UnexpectedFrame);
            }

            stream.ReadExactly(subscriber.Payload(header.PayloadLength));
            return subscriber;
        }
        catch
        {
            stream?.Dispose();
            socket.Dispose();
            throw;
        }
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
        FrameHeader header;
        try
        {
            header = ReadHeader();
        }
        catch (EndOfStreamException)
        {
            return false;
        }

        switch (header.Type)
        {
            case FrameType.Heartbeat:
                return true;
            case FrameType.Close:
                ReadCloseReason(header);
                return false;
            case FrameType.Batch:
                break;
            default:
                throw new ProtocolException(DisconnectReason.UnexpectedFrame);
        }

        Span<byte> payload = Payload(header.PayloadLength);
        _stream.ReadExactly(payload);
        byte[] body = _payload;
        if ((header.Flags & FrameFlags.Lz4) != 0)
        {
            if (_inflated.Length < header.UncompressedLength)
            {
                _inflated = new byte[header.UncompressedLength];
            }

            if (LZ4Codec.Decode(payload, _inflated.AsSpan(0, header.UncompressedLength)) != header.UncompressedLength)
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

    private FrameHeader ReadHeader()
    {
        _stream.ReadExactly(_header);
        FrameHeader header = FrameHeader.Read(_header);
        DisconnectReason invalid = header.Validate(MaxFrameSize, MaxFrameSize);
        return invalid == DisconnectReason.None ? header : throw new ProtocolException(invalid);
    }

    private DisconnectReason ReadCloseReason(FrameHeader header)
    {
        Span<byte> payload = Payload(header.PayloadLength);
        _stream.ReadExactly(payload);
        return (DisconnectReason)BinaryPrimitives.ReadUInt16LittleEndian(payload);
    }

    private Span<byte> Payload(int length)
    {
        if (_payload.Length < length)
        {
            _payload = new byte[length];
        }

        return _payload.AsSpan(0, length);
    }
}

using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;

namespace LowLatency.Adapters.Sockets;

/// <summary>
/// One subscriber of a sink: a bounded queue (a <see cref="Pipe"/> whose size the sink checks before each
/// write) drained by a send loop, and a read loop that watches for the subscriber going away.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The subscriber disposes what it owns when its run ends, which it always does (RunAsync).")]
internal sealed class SinkSubscriber
{
    private readonly Socket _socket;
    private readonly TcpSinkOptions _options;
    private readonly Func<SinkSubscriber, ReadOnlyMemory<byte>, uint, int, SessionRole, DisconnectReason> _admit;
    private readonly Action<SinkSubscriber, DisconnectReason, bool> _closed;
    private readonly CancellationTokenSource _cts = new();
    private readonly Pipe _queue = new(new PipeOptions(pauseWriterThreshold: 0, resumeWriterThreshold: 0, useSynchronizationContext: false, writerScheduler: PipeScheduler.Inline));
    private Stream? _stream;

    // Bytes written into the queue: the pipeline thread writes, the same thread reads.
    private long _queued;

    // Bytes written to the socket: the send loop adds (interlocked), the pipeline thread reads.
    private long _sent;

    // First reason wins; any thread.
    private int _abortReason;

    // 1 once the welcome is out and the sink may queue frames.
    private int _subscribed;

    // Version byte of the close frame sent: 1 only to refuse a v1 subscriber. Handshake writes; the shutdown after it reads.
    private byte _closeVersion = WireFormat.Version;

    public SinkSubscriber(Socket socket, TcpSinkOptions options, Func<SinkSubscriber, ReadOnlyMemory<byte>, uint, int, SessionRole, DisconnectReason> admit, Action<SinkSubscriber, DisconnectReason, bool> closed)
    {
        _socket = socket;
        _options = options;
        _admit = admit;
        _closed = closed;
        Completion = Task.CompletedTask;
    }

    public Task Completion { get; private set; }

    public bool IsOpen => Volatile.Read(ref _abortReason) == 0;

    public long Buffered => _queued - Interlocked.Read(ref _sent);

    public void Start() => Completion = RunAsync();

    public void Abort(DisconnectReason reason)
    {
        if (Interlocked.CompareExchange(ref _abortReason, (int)reason, 0) == 0)
        {
            try
            {
                _cts.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // Finished already.
            }
        }
    }

    /// <summary>Copies <paramref name="frame"/> into the queue. Pipeline thread only; the caller checked <see cref="Buffered"/>.</summary>
    public void Enqueue(ReadOnlySpan<byte> frame)
    {
        PipeWriter writer = _queue.Writer;
        writer.Write(frame);
        _queued += frame.Length;

        // No pause threshold: the flush completes synchronously and only wakes the send loop.
        ValueTask<FlushResult> flush = writer.FlushAsync();
        if (flush.IsCompletedSuccessfully)
        {
            _ = flush.Result;
        }
        else
        {
            _ = flush.AsTask();
        }
    }

    private async Task RunAsync()
    {
        await Task.Yield();
        DisconnectReason reason;
        bool subscribed = false;
        try
        {
            using var deadline = new CancellationTokenSource(_options.HandshakeTimeout, _options.TimeProvider);
            using var handshake = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, _cts.Token);
            Stream stream = new NetworkStream(_socket, ownsSocket: false);
            if (_options.Tls is { } tls)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                await ssl.AuthenticateAsServerAsync(tls, handshake.Token).ConfigureAwait(false);
            }

            _stream = stream;
            try
            {
                await HandshakeAsync(stream, handshake.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                throw new ProtocolException(DisconnectReason.HandshakeTimeout);
            }

            subscribed = true;
            Volatile.Write(ref _subscribed, 1);
            Task watching = WatchAsync(stream, _cts.Token);
            reason = await SendLoopAsync(stream, _cts.Token).ConfigureAwait(false);
            Abort(reason);
            await watching.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            reason = DisconnectReason.Stopping;
        }
        catch (AuthenticationException)
        {
            reason = DisconnectReason.TlsFailed;
        }
        catch (ProtocolException e)
        {
            reason = e.Reason;
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            reason = DisconnectReason.TransportError;
        }

        int aborted = Volatile.Read(ref _abortReason);
        if (aborted != 0)
        {
            reason = (DisconnectReason)aborted;
        }

        Abort(reason);
        // A close frame is only sent between frames: after a cancelled write it would land inside a batch.
        if (_stream is not null && (!subscribed || Buffered == 0)
            && reason is not (DisconnectReason.Normal or DisconnectReason.TransportError or DisconnectReason.TlsFailed or DisconnectReason.Truncated))
        {
            await TrySendCloseAsync(reason).ConfigureAwait(false);
        }

        _closed(this, reason, subscribed);
        await _queue.Reader.CompleteAsync().ConfigureAwait(false);
        if (_stream is not null)
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }

        _socket.Dispose();
        _cts.Dispose();
    }

    private async Task HandshakeAsync(Stream stream, CancellationToken token)
    {
        byte[] frame = new byte[WireFormat.HeaderSize + WireFormat.HelloFixedSize + WireFormat.MaxAuthTokenLength];
        await stream.ReadExactlyAsync(frame.AsMemory(0, WireFormat.HeaderSize), token).ConfigureAwait(false);
        FrameHeader header = FrameHeader.Read(frame);
        DisconnectReason invalid = header.Validate(WireFormat.HelloFixedSize + WireFormat.MaxAuthTokenLength, WireFormat.HelloFixedSize + WireFormat.MaxAuthTokenLength);
        if (invalid != DisconnectReason.None)
        {
            _closeVersion = invalid == DisconnectReason.UnsupportedVersion && header.Version == WireFormat.Version1 ? WireFormat.Version1 : WireFormat.Version;
            throw new ProtocolException(invalid);
        }

        if (header.Type != FrameType.Hello)
        {
            throw new ProtocolException(DisconnectReason.UnexpectedFrame);
        }

        Memory<byte> payload = frame.AsMemory(WireFormat.HeaderSize, header.PayloadLength);
        await stream.ReadExactlyAsync(payload, token).ConfigureAwait(false);
        ReadOnlySpan<byte> p = payload.Span;
        ulong session = BinaryPrimitives.ReadUInt64LittleEndian(p);
        uint schema = BinaryPrimitives.ReadUInt32LittleEndian(p[8..]);
        int eventSize = BinaryPrimitives.ReadInt32LittleEndian(p[12..]);
        var role = (SessionRole)BinaryPrimitives.ReadUInt16LittleEndian(p[16..]);
        int tokenLength = BinaryPrimitives.ReadUInt16LittleEndian(p[18..]);
        if (BinaryPrimitives.ReadUInt32LittleEndian(p[20..]) != 0)
        {
            throw new ProtocolException(DisconnectReason.ReservedBitsSet);
        }

        if (WireFormat.HelloFixedSize + tokenLength != header.PayloadLength)
        {
            throw new ProtocolException(DisconnectReason.MalformedPayload);
        }

        DisconnectReason refused = _admit(this, payload.Slice(WireFormat.HelloFixedSize, tokenLength), schema, eventSize, role);
        if (refused != DisconnectReason.None)
        {
            throw new ProtocolException(refused);
        }

        int length = WireFormat.WriteWelcome(frame, session, -1, -1);
        await stream.WriteAsync(frame.AsMemory(0, length), token).ConfigureAwait(false);
    }

    private async Task<DisconnectReason> SendLoopAsync(Stream stream, CancellationToken token)
    {
        PipeReader reader = _queue.Reader;
        while (true)
        {
            ReadResult result = await reader.ReadAsync(token).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            foreach (ReadOnlyMemory<byte> segment in buffer)
            {
                await stream.WriteAsync(segment, token).ConfigureAwait(false);
            }

            Interlocked.Add(ref _sent, buffer.Length);
            reader.AdvanceTo(buffer.End);
            if (result.IsCompleted)
            {
                return DisconnectReason.Stopping;
            }
        }
    }

    /// <summary>Reads what the subscriber sends (heartbeats, a close frame) so a vanished subscriber is noticed.</summary>
    private async Task WatchAsync(Stream stream, CancellationToken token)
    {
        byte[] frame = new byte[WireFormat.HeaderSize + WireFormat.CloseSize];
        try
        {
            while (true)
            {
                await stream.ReadExactlyAsync(frame.AsMemory(0, WireFormat.HeaderSize), token).ConfigureAwait(false);
                FrameHeader header = FrameHeader.Read(frame);
                DisconnectReason invalid = header.Validate(WireFormat.CloseSize, WireFormat.CloseSize);
                if (invalid != DisconnectReason.None || header.Type is not (FrameType.Heartbeat or FrameType.Close))
                {
                    Abort(invalid != DisconnectReason.None ? invalid : DisconnectReason.UnexpectedFrame);
                    return;
                }

                await stream.ReadExactlyAsync(frame.AsMemory(WireFormat.HeaderSize, header.PayloadLength), token).ConfigureAwait(false);
                if (header.Type == FrameType.Close)
                {
                    Abort(DisconnectReason.Normal);
                    return;
                }
            }
        }
        catch (EndOfStreamException)
        {
            Abort(DisconnectReason.Normal);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            Abort(DisconnectReason.TransportError);
        }
        catch (OperationCanceledException)
        {
            // Closing.
        }
    }

    private async Task TrySendCloseAsync(DisconnectReason reason)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(250));
        byte[] frame = new byte[WireFormat.HeaderSize + WireFormat.CloseSize];
        int length = WireFormat.WriteClose(frame, reason, _closeVersion);
        try
        {
            await _stream!.WriteAsync(frame.AsMemory(0, length), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException or SocketException or InvalidOperationException or NotSupportedException)
        {
            // The subscriber will see the connection drop instead.
        }
    }

    internal bool IsSubscribed => Volatile.Read(ref _subscribed) != 0;
}

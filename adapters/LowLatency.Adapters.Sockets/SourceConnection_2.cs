using System.Buffers;
using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using LowLatency.Engine;

namespace LowLatency.Adapters.Sockets;

/// <summary>
/// One accepted connection of a <see cref="TcpSource{T, TCodec}"/>: a receive loop on a
/// <see cref="PipeReader"/> that decodes batches straight into claimed ring slots, and an ack loop.
/// </summary>
/// <remarks>
/// Memory bound: the reader asks the socket for more only when the frame being parsed is incomplete,
/// and only after the frame's header has been validated against the limits, so a connection buffers at
/// most one maximum frame plus one <see cref="TcpSourceOptions.ReceiveBufferSize"/> read. When the ring is
/// full the loop awaits the gate with the unconsumed bytes held and issues no read at all.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The connection disposes what it owns when its run ends, which it always does (ShutdownAsync).")]
internal sealed partial class SourceConnection<T, TCodec>
    where T : struct
    where TCodec : struct, IEventCodec<T>
{
    private readonly TcpSource<T, TCodec> _source;
    private readonly TcpSourceOptions _options;
    private readonly Socket _socket;
    private readonly RingBuffer<T> _ring;
    private readonly Lock? _producerLock;
    private readonly RingBackpressureGate<T> _gate;
    private readonly TcpSourceMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _cts = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly byte[] _ackFrame = new byte[WireFormat.HeaderSize + WireFormat.AckSize];
    private readonly byte[] _controlFrame = new byte[WireFormat.HeaderSize + WireFormat.WelcomeSize];
    private readonly byte[] _straddle;
    private readonly byte[] _helloToken = new byte[WireFormat.MaxAuthTokenLength];
    private readonly int _eventSize;
    private readonly int _maxClaim;

    // The codec is a struct the JIT specialises on; not readonly so a stateful codec may mutate itself.
    private TCodec _codec;

    private Stream? _stream;
    private PipeReader? _reader;
    private SessionState? _session;
    private Task _ackLoop = Task.CompletedTask;

    // Watchdog-shared timestamps (source clock). Written by the receive loop, read by the watchdog timer.
    private long _acceptedAt;
    private long _lastActivity;
    private long _partialSince;

    // 1 while the receive loop waits on the gate (timeouts paused). Receive loop writes, watchdog reads.
    private int _backpressured;

    // 1 once the welcome went out. Receive loop writes, watchdog reads.
    private int _handshaken;

    // First abort reason wins (compare-and-set by the watchdog, the source or the session take-over).
    private int _abortReason;

    // Decode state: receive loop only.
    private int _eventsDone;
    private bool _inflated;
    private bool _batchChecked;
    private byte[]? _inflateBuffer;
    private byte[]? _compressedBuffer;
    private ulong _helloSession;
    private uint _helloSchema;
    private int _helloEventSize;
    private SessionRole _helloRole;
    private int _helloTokenLength;
    private DisconnectReason _error;

    // Version byte of the close frame this connection sends: 1 only to refuse a v1 peer. Receive loop
    // writes; the shutdown that follows it reads.
    private byte _closeVersion = WireFormat.Version;

    public SourceConnection(TcpSource<T, TCodec> source, Socket socket, TCodec codec, Lock? producerLock)
    {
        _source = source;
        _options = source.Options;
        _socket = socket;
        _ring = source.RingBuffer;
        _producerLock = producerLock;
        _metrics = source.Metrics;
        _time = _options.TimeProvider;
        _codec = codec;
        _eventSize = codec.EventSize;
        _straddle = new byte[_eventSize];
        _maxClaim = Math.Max(1, Math.Min(_options.MaxClaimBatch, _ring.Capacity / 2));
        _gate = new RingBackpressureGate<T>(_ring, _maxClaim, _options);
        _acceptedAt = _time.GetTimestamp();
        _lastActivity = _acceptedAt;
        Completion = Task.CompletedTask;
    }

    /// <summary>Completes when both loops have exited and the socket is disposed.</summary>
    public Task Completion { get; private set; }

    public void Start() => Completion = RunAsync();

    /// <summary>Closes the connection for <paramref name="reason"/> (first reason wins). Any thread.</summary>
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
                // Already finished.
            }
        }
    }

    /// <summary>Called by the source's watchdog timer.</summary>
    public void CheckTimeouts()
    {
        if (Volatile.Read(ref _backpressured) != 0)
        {
            return;
        }

        if (Volatile.Read(ref _handshaken) == 0 && _time.GetElapsedTime(_acceptedAt) > _options.HandshakeTimeout)
        {
            Abort(DisconnectReason.HandshakeTimeout);
            return;
        }

        long partial = Volatile.Read(ref _partialSince);
        if (partial != 0 && _time.GetElapsedTime(partial) > _options.FrameTimeout)
        {
            Abort(DisconnectReason.FrameTimeout);
            return;
        }

        if (_time.GetElapsedTime(Volatile.Read(ref _lastActivity)) > _options.IdleTimeout)
        {
            Abort(DisconnectReason.IdleTimeout);
        }
    }

    private async Task RunAsync()
    {
        await Task.Yield();
        DisconnectReason reason;
        CancellationToken token = _cts.Token;
        try
        {
            Stream stream = new NetworkStream(_socket, ownsSocket: false);
            if (_options.Tls is { } tls)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = ssl;
                await ssl.AuthenticateAsServerAsync(tls, token).ConfigureAwait(false);
            }

            _stream = stream;
            _reader = PipeReader.Create(stream, new StreamPipeReaderOptions(
                bufferSize: _options.ReceiveBufferSize,
                minimumReadSize: Math.Max(1024, _options.ReceiveBufferSize / 4),
                leaveOpen: true));
            reason = await ReceiveLoopAsync(token).ConfigureAwait(false);
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
        catch (IOException)
        {
            reason = DisconnectReason.TransportError;
        }
        catch (SocketException)
        {
            reason = DisconnectReason.TransportError;
        }
        catch (ObjectDisposedException)
        {
            reason = DisconnectReason.TransportError;
        }

        // An abort (timeout, take-over, stop) explains whatever the loop saw as a consequence of it.
        int aborted = Volatile.Read(ref _abortReason);
        if (aborted != 0)
        {
            reason = (DisconnectReason)aborted;
        }

        await ShutdownAsync(reason).ConfigureAwait(false);
    }

    private async Task<DisconnectReason> ReceiveLoopAsync(CancellationToken token)
    {
        PipeReader reader = _reader!;
        long held = 0;
        while (true)
        {
            ReadResult result = await reader.ReadAsync(token).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            _metrics.OnBytes(buffer.Length - held);
            long now = _time.GetTimestamp();
            Volatile.Write(ref _lastActivity, now);
            bool completedFrame = false;
            while (true)
            {
                FrameStep step = Step(ref buffer);
                if (step == FrameStep.NeedMore)
                {
                    break;
                }

                switch (step)
                {
                    case FrameStep.Continue:
                        completedFrame = true;
                        continue;
                    case FrameStep.BackPressured:
                        _metrics.OnBackpressure();
                        Volatile.Write(ref _backpressured, 1);
                        await _gate.WaitForCapacityAsync(token).ConfigureAwait(false);
                        Volatile.Write(ref _lastActivity, _time.GetTimestamp());
                        Volatile.Write(ref _backpressured, 0);
                        continue;
                    case FrameStep.Hello:
                        completedFrame = true;
                        await HandshakeAsync(token).ConfigureAwait(false);
                        continue;
                    case FrameStep.PeerClosed:
                        return DisconnectReason.Normal;
                    case FrameStep.RingClosed:
                        return DisconnectReason.Stopping;
                    default:
                        return _error;
                }
            }

            long remaining = buffer.Length;
            if (remaining == 0)
            {
                Volatile.Write(ref _partialSince, 0);
            }
            else if (completedFrame || Volatile.Read(ref _partialSince) == 0)
            {
                Volatile.Write(ref _partialSince, now);
            }

            held = remaining;
            reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                return remaining == 0 ? DisconnectReason.Normal : DisconnectReason.Truncated;
            }
        }
    }

    private async Task HandshakeAsync(CancellationToken token)
    {
        if (_helloRole != SessionRole.Publisher || _helloSchema != _options.SchemaId || _helloEventSize != _eventSize)
        {
            throw new ProtocolException(DisconnectReason.SchemaMismatch);
        }

        if (_helloSession == 0)
        {
            throw new ProtocolException(DisconnectReason.MalformedPayload);
        }

        if (!_source.Authenticate(_helloToken.AsSpan(0, _helloTokenLength)))
        {
            throw new ProtocolException(DisconnectReason.AuthenticationFailed);
        }

        SessionState session = await _source.AttachSessionAsync(this, _helloSession).ConfigureAwait(false);
        _session = session;
        if (session.AcceptedSequence >= 0)
        {
            _metrics.OnResumed();
        }

        int length = WireFormat.WriteWelcome(_controlFrame, session.Id, session.AcceptedSequence, session.AckedSequence);
        await WriteAsync(_controlFrame.AsMemory(0, length), token).ConfigureAwait(false);
        Volatile.Write(ref _handshaken, 1);
        _ackLoop = AckLoopAsync(session, token);
    }

    private async Task AckLoopAsync(SessionState session, CancellationToken token)
    {
        long sent = session.AckedSequence;
        try
        {
            using var timer = new PeriodicTimer(_options.AckInterval, _time);
            while (await timer.WaitForNextTickAsync(token).ConfigureAwait(false))
            {
                long acked = session.UpdateAck(_source.CompletedSequence);
                if (acked > sent)
                {
                    int length = WireFormat.WriteAck(_ackFrame, acked);
                    await WriteAsync(_ackFrame.AsMemory(0, length), token).ConfigureAwait(false);
                    _metrics.OnAck();
                    sent = acked;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The connection is closing.
        }
        catch (IOException)
        {
            Abort(DisconnectReason.TransportError);
        }
        catch (ObjectDisposedException)
        {
            Abort(DisconnectReason.TransportError);
        }
    }

    private async ValueTask WriteAsync(ReadOnlyMemory<byte> frame, CancellationToken token)
    {
        await _writeLock.WaitAsync(token).ConfigureAwait(false);
        try
        {
            await _stream!.WriteAsync(frame, token).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task ShutdownAsync(DisconnectReason reason)
    {
        Abort(reason);
        try
        {
            await _ackLoop.ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // Already accounted for by the receive loop's reason.
        }

        if (_stream is not null && reason is not (DisconnectReason.Normal or DisconnectReason.Truncated or DisconnectReason.TransportError or DisconnectReason.TlsFailed))
        {
            await TrySendCloseAsync(reason).ConfigureAwait(false);
        }

        if (_reader is not null)
        {
            await _reader.CompleteAsync().ConfigureAwait(false);
        }

        if (_stream is not null)
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }

        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // The peer is gone already.
        }

        _socket.Dispose();
        _gate.Dispose();
        _cts.Dispose();
        _writeLock.Dispose();
        _source.OnConnectionClosed(this, _session, reason);
    }

    private async Task TrySendCloseAsync(DisconnectReason reason)
    {
        // Best effort, bounded: a peer that does not read must not hold the connection open.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(250));
        try
        {
            if (await _writeLock.WaitAsync(TimeSpan.FromMilliseconds(250)).ConfigureAwait(false))
            {
                int length = WireFormat.WriteClose(_controlFrame, reason, _closeVersion);
                await _stream!.WriteAsync(_controlFrame.AsMemory(0, length), timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException or SocketException)
        {
            // The peer will see the connection drop instead.
        }
    }
}

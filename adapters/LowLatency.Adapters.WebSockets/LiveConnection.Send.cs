using System.Net.WebSockets;

namespace LowLatency.Adapters.WebSockets;

/// <summary>The send loop: the socket's only writer.</summary>
internal sealed partial class LiveConnection
{
    // Send loop only.
    private readonly LiveUpdate[] _batch;
    private readonly byte[] _frame;
    private async Task SendLoopAsync()
    {
        // Cancels a send that waited longer than the idle timeout for the client to read; reset after each send.
        using var stall = new CancellationTokenSource();
        try
        {
            while (true)
            {
                byte[]? control = null;
                (WebSocketCloseStatus Status, string Text)? close;
                int count = 0;
                lock (_lock)
                {
                    close = _close;
                    if (close is null && !_controls.TryDequeue(out control))
                    {
                        count = DrainUnsynchronized();
                        if (count == 0)
                        {
                            _scheduled = false;
                        }
                    }
                }

                if (close is { } c)
                {
                    await CloseOutputAsync(c.Status, c.Text, stall).ConfigureAwait(false);
                    return;
                }

                if (control is not null)
                {
                    await SendAsync(control, WebSocketMessageType.Text, stall).ConfigureAwait(false);
                }
                else if (count > 0)
                {
                    ReadOnlySpan<LiveUpdate> batch = _batch.AsSpan(0, count);
                    int length = Binary
                        ? FrameEncoder.WriteBinary(batch, _hub.TopicArray, _frame)
                        : FrameEncoder.WriteJson(batch, _hub.TopicArray, _frame);
                    await SendAsync(_frame.AsMemory(0, length), Binary ? WebSocketMessageType.Binary : WebSocketMessageType.Text, stall).ConfigureAwait(false);
                    Volatile.Write(ref _sent, _sent + count);
                    _hub.OnSent(count);
                }
                else
                {
                    await _signal.WaitAsync().ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (stall.IsCancellationRequested && e is OperationCanceledException or WebSocketException or IOException)
        {
            // A cancelled send aborts the socket: the client read nothing for the idle timeout.
            Record(CloseReason.Stalled);
            _socket.Abort();
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException or IOException)
        {
            Record(CloseReason.ProtocolError);
            _socket.Abort();
        }
    }

    /// <summary>Copies up to a frame's worth of queued updates into <see cref="_batch"/>, oldest key first.</summary>
    private int DrainUnsynchronized()
    {
        int count = 0;
        while (count < _batch.Length && _queue.Count > 0)
        {
            _batch[count++] = _queue.Head;
            _queue.RemoveHead();
        }

        return count;
    }

    private async ValueTask SendAsync(ReadOnlyMemory<byte> payload, WebSocketMessageType type, CancellationTokenSource stall)
    {
        stall.CancelAfter(_hub.Options.IdleTimeout);
        await _socket.SendAsync(payload, type, endOfMessage: true, stall.Token).ConfigureAwait(false);
        if (!stall.TryReset())
        {
            throw new OperationCanceledException(stall.Token);
        }
    }

    private async ValueTask CloseOutputAsync(WebSocketCloseStatus status, string text, CancellationTokenSource stall)
    {
        if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            stall.CancelAfter(_hub.Options.CloseTimeout);
            await _socket.CloseOutputAsync(status, Clamp(text), stall.Token).ConfigureAwait(false);
            stall.TryReset();
        }
    }

    /// <summary>A close reason is at most 123 bytes of UTF-8.</summary>
    private static string Clamp(string text)
    {
        while (System.Text.Encoding.UTF8.GetByteCount(text) > 123)
        {
            text = text[..^1];
        }

        return text;
    }
}

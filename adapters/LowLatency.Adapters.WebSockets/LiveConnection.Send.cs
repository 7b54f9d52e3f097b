using System.Diagnostics;
using System.Net.WebSockets;

namespace LowLatency.Adapters.WebSockets;

/// <summary>The send loop: the socket's only writer, and the only reader of this connection's position in the hub's log.</summary>
internal sealed partial class LiveConnection
{
    // Send loop only: the values of the next frame, and the slot and version each was read at (for the shared JSON).
    private readonly LiveUpdate[] _batch;
    private readonly int[] _batchSlots;
    private readonly long[] _batchVersions;
    private readonly byte[] _frame;

    // The next log position to read; while a rescan runs, the positions [_rescanFrom, _rescanTo) are passed over (too
    // many to read one by one, or lost from the log) and the slots from _rescanSlot on are still to be looked at.
    // Send loop only.
    private long _position;
    private long _rescanFrom;
    private long _rescanTo = -1;
    private int _rescanSlot;

    // When the frame in flight began (Stopwatch ticks), 0 between frames: written by the send loop (Volatile.Write
    // around each send), read by the hub's stall watch (Volatile.Read in AbortIfStalled).
    private long _sendingSince;

    private async Task SendLoopAsync()
    {
        // Paced (MinFrameInterval): at most one update frame per tick of the hub's clock; the tick of the last one sent.
        bool paced = _hub.Paced;
        long lastTick = -1;
        try
        {
            while (true)
            {
                byte[]? control;
                (WebSocketCloseStatus Status, string Text)? close;
                lock (_lock)
                {
                    close = _close;
                    _controls.TryDequeue(out control);
                }

                if (close is { } c)
                {
                    await CloseOutputAsync(c.Status, c.Text).ConfigureAwait(false);
                    return;
                }

                if (control is not null)
                {
                    await SendAsync(control, WebSocketMessageType.Text).ConfigureAwait(false);
                    continue;
                }

                if (paced && _hub.Tick == lastTick)
                {
                    // A frame went out in this tick already: wait for the next one, then look again (a close or a
                    // control message may wake the loop sooner; newer values replace older ones in the hub's table).
                    await SleepAsync(lastTick).ConfigureAwait(false);
                    continue;
                }

                int count = Collect();
                if (count > 0)
                {
                    lastTick = paced ? _hub.Tick : -1;
                    ReadOnlySpan<LiveUpdate> batch = _batch.AsSpan(0, count);
                    int encoded = 0;
                    int length = Binary
                        ? FrameEncoder.WriteBinary(batch, _hub.TopicArray, _frame)
                        : FrameEncoder.WriteJson(batch, _batchSlots.AsSpan(0, count), _batchVersions.AsSpan(0, count), _hub.TopicArray, _hub.Latest, _frame, ref encoded);
                    await SendAsync(_frame.AsMemory(0, length), Binary ? WebSocketMessageType.Binary : WebSocketMessageType.Text).ConfigureAwait(false);
                    lock (_lock)
                    {
                        _sent += count;
                        _pending = 0;
                    }

                    _hub.OnSent(count, encoded);
                    continue;
                }

                await SleepAsync(tick: null).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException or IOException)
        {
            // After the stall watch's abort, its reason (Stalled) was recorded first and stays.
            Record(CloseReason.ProtocolError);
            _socket.Abort();
        }
    }

    /// <summary>
    /// Waits until there may be something to send: sleeps unless a control, a close, or an update (with
    /// <paramref name="tick"/> null) or the pacing tick after <paramref name="tick"/> arrived since the loop last
    /// looked (each of those wakers exchanges <see cref="_asleep"/> after making its work visible).
    /// </summary>
    private ValueTask SleepAsync(long? tick)
    {
        Interlocked.Exchange(ref _asleep, 1);
        bool work;
        lock (_lock)
        {
            work = _close is not null || _controls.Count > 0;
        }

        bool listed = !work && (tick is { } t ? _hub.TryWaitForTick(this, t) : _hub.TryWaitForUpdates(this, _position));
        if (!listed && Interlocked.Exchange(ref _asleep, 0) == 1)
        {
            return ValueTask.CompletedTask;
        }

        // Asleep, or a waker already took _asleep and sets the signal: the wait completes at once then.
        return _signal.WaitAsync();
    }

    /// <summary>
    /// Copies into <see cref="_batch"/> up to a frame's worth of the newest values this connection wants, oldest
    /// position first, and counts what it passed over; returns how many it copied.
    /// </summary>
    private int Collect()
    {
        LatestValues latest = _hub.Latest;
        Subscription subscription = _subscription;
        int count = 0;
        long offered = 0, conflated = 0, skipped = 0;
        while (count < _batch.Length)
        {
            if (_rescanTo >= 0)
            {
                count = Rescan(latest, subscription, count, ref offered);
                if (_rescanTo >= 0)
                {
                    break; // the frame is full
                }

                continue;
            }

            long head = latest.Head;
            if (_position == head)
            {
                break;
            }

            // Further behind than the table has keys: one pass over the table (each key once) costs less than reading
            // every update (most of them superseded), and sends the same newest values.
            long from = _position;
            if (head - from <= latest.SlotCount && latest.IsStillLogged(from))
            {
                int start = count;
                long chunkOffered = 0, chunkConflated = 0;
                long position = from;
                for (; position < head && count < _batch.Length; position++)
                {
                    int slot = latest.SlotAt(position);
                    if (!Wants(subscription, latest.KeyOf(slot)))
                    {
                        continue;
                    }

                    chunkOffered++;
                    if (latest.TryRead(slot, position, out _batch[count]))
                    {
                        _batchSlots[count] = slot;
                        _batchVersions[count] = position;
                        count++;
                    }
                    else
                    {
                        chunkConflated++;
                    }
                }

                if (latest.IsStillLogged(from))
                {
                    _position = position;
                    offered += chunkOffered;
                    conflated += chunkConflated;
                    continue;
                }

                count = start; // entries were overwritten while read: take nothing from them, rescan below
            }

            // Rescan: send the newest value of every key written at a position from `from` on (later ones come from
            // the log). Also the way back for a connection that fell more than the log's length behind.
            head = latest.Head;
            skipped += head - from;
            _rescanFrom = from;
            _rescanTo = head;
            _rescanSlot = 0;
            _position = head;
        }

        lock (_lock)
        {
            _offered += offered;
            _conflated += conflated;
            _skipped += skipped;
            _pending = count;
        }

        return count;
    }

    /// <summary>Continues the rescan into <see cref="_batch"/> from <paramref name="count"/>; ends it (<see cref="_rescanTo"/> = −1) when every slot was looked at.</summary>
    private int Rescan(LatestValues latest, Subscription subscription, int count, ref long offered)
    {
        int slots = latest.SlotCount;
        while (_rescanSlot < slots && count < _batch.Length)
        {
            int slot = _rescanSlot++;
            long version = latest.VersionOf(slot);

            // A version at or past _rescanTo (or −1: being written now, for a position past it) is in the log ahead.
            if (version >= _rescanFrom && version < _rescanTo && Wants(subscription, latest.KeyOf(slot))
                && latest.TryRead(slot, version, out _batch[count]))
            {
                _batchSlots[count] = slot;
                _batchVersions[count] = version;
                count++;
                offered++;
            }
        }

        if (_rescanSlot == slots)
        {
            _rescanTo = -1;
        }

        return count;
    }

    private bool Wants(Subscription subscription, long conflationKey)
    {
        int topic = LatestValues.TopicOf(conflationKey);
        return subscription.Wants(_hub.TopicArray[topic], LatestValues.KeyPart(conflationKey), _hub.BusiestOf(topic));
    }

    private async ValueTask SendAsync(ReadOnlyMemory<byte> payload, WebSocketMessageType type)
    {
        Volatile.Write(ref _sendingSince, Stopwatch.GetTimestamp());
        await _socket.SendAsync(payload, type, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
        Volatile.Write(ref _sendingSince, 0);
    }

    /// <summary>
    /// The hub's stall watch: aborts the socket when the frame in flight began more than <paramref name="limit"/>
    /// ticks before <paramref name="now"/> (the client read nothing for the idle timeout); the pending send then fails
    /// and ends the loop. A frame that completes while this looks was in flight for about the limit anyway.
    /// </summary>
    internal void AbortIfStalled(long now, long limit)
    {
        long since = Volatile.Read(ref _sendingSince);
        if (since != 0 && now - since > limit)
        {
            Record(CloseReason.Stalled);
            _socket.Abort();
        }
    }

    /// <summary>Sends the close frame; bounded by <see cref="AbortLaterAsync"/>, which aborts the socket after the close timeout.</summary>
    private async ValueTask CloseOutputAsync(WebSocketCloseStatus status, string text)
    {
        if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            await _socket.CloseOutputAsync(status, Clamp(text), CancellationToken.None).ConfigureAwait(false);
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

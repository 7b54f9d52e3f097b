using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using K4os.Compression.LZ4;
using LowLatency.Engine;
using LowLatency.Engine.Integrity;

namespace LowLatency.Adapters.Sockets;

/// <content>The synchronous, allocation-free frame decoder: header checks, LZ4, checksum, dedup, claim, decode, publish.</content>
internal sealed partial class SourceConnection<T, TCodec>
{
    /// <summary>
    /// Handles at most one frame from the front of <paramref name="buffer"/> and consumes it when done.
    /// The header is validated as soon as its 16 bytes are present, before the loop reads any more.
    /// </summary>
    internal FrameStep Step(ref ReadOnlySequence<byte> buffer)
    {
        if (buffer.Length < WireFormat.HeaderSize)
        {
            return FrameStep.NeedMore;
        }

        FrameHeader header;
        ReadOnlySpan<byte> first = buffer.FirstSpan;
        if (first.Length >= WireFormat.HeaderSize)
        {
            header = FrameHeader.Read(first);
        }
        else
        {
            Span<byte> copy = stackalloc byte[WireFormat.HeaderSize];
            buffer.Slice(0, WireFormat.HeaderSize).CopyTo(copy);
            header = FrameHeader.Read(copy);
        }

        DisconnectReason invalid = header.Validate(_options.MaxFrameSize, _options.MaxDecompressedSize);
        if (invalid != DisconnectReason.None)
        {
            // A v1 peer is told why in a close frame it can read (see TrySendCloseAsync).
            _closeVersion = invalid == DisconnectReason.UnsupportedVersion && header.Version == WireFormat.Version1 ? WireFormat.Version1 : WireFormat.Version;
            return Fail(invalid);
        }

        long frameLength = WireFormat.HeaderSize + (long)header.PayloadLength;
        if (buffer.Length < frameLength)
        {
            return FrameStep.NeedMore;
        }

        ReadOnlySequence<byte> payload = buffer.Slice(WireFormat.HeaderSize, header.PayloadLength);
        FrameStep step;
        switch (header.Type)
        {
            case FrameType.Batch:
                step = _session is null ? Fail(DisconnectReason.UnexpectedFrame) : OnBatch(in header, payload);
                break;
            case FrameType.Hello:
                step = _session is null && Volatile.Read(ref _handshaken) == 0 ? OnHello(payload) : Fail(DisconnectReason.UnexpectedFrame);
                break;
            case FrameType.Heartbeat:
                step = FrameStep.Continue;
                break;
            case FrameType.Close:
                step = OnClose(payload);
                break;
            default:
                step = Fail(DisconnectReason.UnexpectedFrame);
                break;
        }

        if (step is FrameStep.Continue or FrameStep.Hello or FrameStep.PeerClosed)
        {
            buffer = buffer.Slice(frameLength);
            _metrics.OnFrame();
        }

        return step;
    }

    /// <summary>The rule the last <see cref="FrameStep.Error"/> broke.</summary>
    internal DisconnectReason Error => _error;

    /// <summary>Binds a session without a handshake, so the decoder can be driven synchronously (allocation tests).</summary>
    internal void AttachSessionUnsynchronized(SessionState session) => _session = session;

    private FrameStep Fail(DisconnectReason reason)
    {
        _error = reason;
        return FrameStep.Error;
    }

    private FrameStep OnClose(ReadOnlySequence<byte> payload)
    {
        // The peer is leaving either way; a non-zero reserved field makes it a protocol error, counted as such.
        Span<byte> close = stackalloc byte[WireFormat.CloseSize];
        payload.CopyTo(close);
        return BinaryPrimitives.ReadUInt16LittleEndian(close[2..]) == 0 ? FrameStep.PeerClosed : Fail(DisconnectReason.ReservedBitsSet);
    }

    private FrameStep OnHello(ReadOnlySequence<byte> payload)
    {
        Span<byte> fixedPart = stackalloc byte[WireFormat.HelloFixedSize];
        payload.Slice(0, WireFormat.HelloFixedSize).CopyTo(fixedPart);
        _helloSession = BinaryPrimitives.ReadUInt64LittleEndian(fixedPart);
        _helloSchema = BinaryPrimitives.ReadUInt32LittleEndian(fixedPart[8..]);
        _helloEventSize = BinaryPrimitives.ReadInt32LittleEndian(fixedPart[12..]);
        _helloRole = (SessionRole)BinaryPrimitives.ReadUInt16LittleEndian(fixedPart[16..]);
        int tokenLength = BinaryPrimitives.ReadUInt16LittleEndian(fixedPart[18..]);
        uint reserved = BinaryPrimitives.ReadUInt32LittleEndian(fixedPart[20..]);
        if (reserved != 0)
        {
            return Fail(DisconnectReason.ReservedBitsSet);
        }

        if (WireFormat.HelloFixedSize + tokenLength != payload.Length)
        {
            return Fail(DisconnectReason.MalformedPayload);
        }

        payload.Slice(WireFormat.HelloFixedSize).CopyTo(_helloToken);
        _helloTokenLength = tokenLength;
        return FrameStep.Hello;
    }

    private FrameStep OnBatch(in FrameHeader header, ReadOnlySequence<byte> payload)
    {
        ReadOnlySequence<byte> body;
        if ((header.Flags & FrameFlags.Lz4) != 0)
        {
            if (!_inflated && !Inflate(payload, header.UncompressedLength))
            {
                return Fail(DisconnectReason.CompressionError);
            }

            _inflated = true;
            body = new ReadOnlySequence<byte>(_inflateBuffer!, 0, header.UncompressedLength);
        }
        else
        {
            body = payload;
        }

        // The header guaranteed body.Length ≥ BatchOverhead. Checked once per batch: a batch resumed after
        // backpressure was checked before its first event went into the ring.
        if (!_batchChecked)
        {
            DisconnectReason invalid = CheckBatch(body);
            if (invalid != DisconnectReason.None)
            {
                return Fail(invalid);
            }

            _batchChecked = true;
        }

        Span<byte> batchHeader = stackalloc byte[WireFormat.BatchHeaderSize];
        body.Slice(0, WireFormat.BatchHeaderSize).CopyTo(batchHeader);
        long firstSequence = BinaryPrimitives.ReadInt64LittleEndian(batchHeader);
        int count = BinaryPrimitives.ReadInt32LittleEndian(batchHeader[8..]);
        FrameStep step = PublishEvents(body.Slice(WireFormat.BatchHeaderSize, (long)count * _eventSize), firstSequence, count);
        if (step != FrameStep.BackPressured)
        {
            _inflated = false;
            _batchChecked = false;
        }

        return step;
    }

    /// <summary>
    /// The batch rules in the README's order: the checksum first (a corrupt payload's inner fields mean
    /// nothing), then event size, count and sequence range. None of them has published anything yet.
    /// </summary>
    private DisconnectReason CheckBatch(in ReadOnlySequence<byte> body)
    {
        long covered = body.Length - WireFormat.ChecksumSize;
        if (_options.VerifyChecksums)
        {
            Span<byte> trailer = stackalloc byte[WireFormat.ChecksumSize];
            body.Slice(covered).CopyTo(trailer);
            if (Crc32C.Append(0, body.Slice(0, covered)) != BinaryPrimitives.ReadUInt32LittleEndian(trailer))
            {
                return DisconnectReason.ChecksumMismatch;
            }
        }

        Span<byte> batchHeader = stackalloc byte[WireFormat.BatchHeaderSize];
        body.Slice(0, WireFormat.BatchHeaderSize).CopyTo(batchHeader);
        long firstSequence = BinaryPrimitives.ReadInt64LittleEndian(batchHeader);
        int count = BinaryPrimitives.ReadInt32LittleEndian(batchHeader[8..]);
        int eventSize = BinaryPrimitives.ReadInt32LittleEndian(batchHeader[12..]);
        bool valid = eventSize == _eventSize && count >= 0
            && WireFormat.BatchOverhead + ((long)count * eventSize) == body.Length
            && firstSequence >= 0 && firstSequence <= long.MaxValue - count;
        return valid ? DisconnectReason.None : DisconnectReason.MalformedPayload;
    }

    private bool Inflate(ReadOnlySequence<byte> payload, int uncompressedLength)
    {
        if (_inflateBuffer is null || _inflateBuffer.Length < uncompressedLength)
        {
            // Grows by powers of two up to MaxDecompressedSize (checked on the header): a few times per connection at most.
            _inflateBuffer = new byte[BufferSizeFor(uncompressedLength, _options.MaxDecompressedSize)];
        }

        ReadOnlySpan<byte> source;
        if (payload.IsSingleSegment)
        {
            source = payload.FirstSpan;
        }
        else
        {
            if (_compressedBuffer is null || _compressedBuffer.Length < payload.Length)
            {
                _compressedBuffer = new byte[BufferSizeFor((int)payload.Length, _options.MaxFrameSize)];
            }

            payload.CopyTo(_compressedBuffer);
            source = _compressedBuffer.AsSpan(0, (int)payload.Length);
        }

        // The target is exactly the declared size: a block that decodes past it fails (-1), one that
        // decodes short of it is a size mismatch.
        int decoded = LZ4Codec.Decode(source, _inflateBuffer.AsSpan(0, uncompressedLength));
        return decoded == uncompressedLength;
    }

    private static int BufferSizeFor(int needed, int limit) =>
        Math.Max(needed, (int)Math.Min(limit, BitOperations.RoundUpToPowerOf2((uint)Math.Max(needed, 4096))));

    private FrameStep PublishEvents(ReadOnlySequence<byte> events, long firstSequence, int count)
    {
        SessionState session = _session!;
        long accepted = session.AcceptedSequence;
        int start = _eventsDone;
        if (start == 0)
        {
            if (firstSequence > accepted + 1)
            {
                _metrics.OnMissing(firstSequence - accepted - 1);
            }

            long firstNew = accepted + 1 - firstSequence;
            if (firstNew > 0)
            {
                start = (int)Math.Min(firstNew, count);
                _metrics.OnDuplicates(start);
            }
        }

        int published = 0;
        while (start < count)
        {
            int n = Math.Min(count - start, _maxClaim);
            PublishResult result = _producerLock is null
                ? ClaimDecodePublish(events, start, n, out long high)
                : ClaimDecodePublishLocked(events, start, n, out high);
            if (result != PublishResult.Ok)
            {
                _eventsDone = start;
                _metrics.OnPublished(published);
                return result == PublishResult.BackPressured ? FrameStep.BackPressured : FrameStep.RingClosed;
            }

            start += n;
            published += n;
            session.RecordPublished(high, firstSequence + start - 1);
        }

        _eventsDone = 0;
        _metrics.OnPublished(published);
        return FrameStep.Continue;
    }

    private PublishResult ClaimDecodePublishLocked(ReadOnlySequence<byte> events, int start, int n, out long high)
    {
        // A single-producer ring shared by many connections: claim, write and publish must not interleave.
        _producerLock!.Enter();
        try
        {
            return ClaimDecodePublish(events, start, n, out high);
        }
        finally
        {
            _producerLock.Exit();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private PublishResult ClaimDecodePublish(ReadOnlySequence<byte> events, int start, int n, out long high)
    {
        PublishResult result = _ring.TryNext(n, out high);
        if (result != PublishResult.Ok)
        {
            return result;
        }

        long low = high - n + 1;
        try
        {
            Decode(events.Slice((long)start * _eventSize, (long)n * _eventSize), low, n);
        }
        finally
        {
            // A claimed sequence must be published, even if a codec throws.
            _ring.Publish(low, high);
        }

        return PublishResult.Ok;
    }

    private void Decode(ReadOnlySequence<byte> events, long low, int n)
    {
        int size = _eventSize;
        RingBuffer<T> ring = _ring;
        if (events.IsSingleSegment)
        {
            // Into the claimed slots as spans (two when the claim wraps): the slot address stays in a
            // register, where the ring's indexer would be re-read after every store the codec makes.
            ReadOnlySpan<byte> source = events.FirstSpan;
            int done = 0;
            while (done < n)
            {
                Span<T> slots = ring.GetContiguousSpan(low + done, n - done);
                for (int e = 0; e < slots.Length; e++)
                {
                    _codec.Decode(source.Slice((done + e) * size, size), ref slots[e]);
                }

                done += slots.Length;
            }

            return;
        }

        // Multi-segment: decode whole runs straight from each segment; only an event that straddles a
        // segment boundary is copied (into _straddle) first.
        int i = 0;
        int carried = 0;
        foreach (ReadOnlyMemory<byte> memory in events)
        {
            ReadOnlySpan<byte> span = memory.Span;
            if (carried > 0)
            {
                int take = Math.Min(size - carried, span.Length);
                span[..take].CopyTo(_straddle.AsSpan(carried));
                carried += take;
                span = span[take..];
                if (carried < size)
                {
                    continue;
                }

                _codec.Decode(_straddle, ref ring[low + i]);
                i++;
                carried = 0;
            }

            int whole = span.Length / size;
            for (int k = 0; k < whole; k++)
            {
                _codec.Decode(span.Slice(k * size, size), ref ring[low + i + k]);
            }

            i += whole;
            int rest = span.Length - (whole * size);
            if (rest > 0)
            {
                span[(whole * size)..].CopyTo(_straddle);
                carried = rest;
            }
        }

        Debug.Assert(i == n && carried == 0, "the slice holds exactly n events");
    }
}

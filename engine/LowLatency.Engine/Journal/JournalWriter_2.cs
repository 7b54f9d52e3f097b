using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LowLatency.Engine.Integrity;

namespace LowLatency.Engine.Journal;

/// <summary>
/// Appends events to a journal directory: fixed-size memory-mapped segments, one record per batch
/// (length, CRC-32C, kind, count, position, clock reading), rolled by size, synced per
/// <see cref="JournalOptions.Durability"/>, retained per <see cref="JournalOptions.RetainBytes"/>/<see cref="JournalOptions.RetainAge"/>.
/// Opening an existing journal checks it end to end, truncates a torn tail (reported in <see cref="Recovery"/>)
/// and continues at its next position; a corrupt record or another schema refuses to open. With
/// <see cref="JournalOptions.Compressor"/>, sealed segments are compressed by a background thread.
/// Single writer: one thread appends (the journaling stage's).
/// </summary>
/// <remarks>
/// Publication: a record's payload and header are stored first, then its length with a release store
/// (pairs with the acquire in <see cref="JournalScan.Check"/>): a reader in any process sees a record whole
/// or not at all, and a process killed mid-append leaves length 0, which readers take as the end.
/// </remarks>
/// <typeparam name="T">The event type.</typeparam>
/// <typeparam name="TCodec">The codec (a struct: its calls inline).</typeparam>
public sealed unsafe class JournalWriter<T, TCodec> : IDisposable
    where T : struct
    where TCodec : struct, IJournalCodec<T>
{
    private readonly string _directory;
    private readonly JournalOptions _options;
    private readonly int _eventSize;
    private readonly long _syncIntervalTicks;
    private TCodec _codec;

    // Held by retention while it deletes a segment and by the compression thread while it renames one into place.
    private readonly Lock _gate = new();

    // Set once by Open; called by the appending thread (the pretoucher's own thread reads only its own fields).
    private JournalPretoucher? _pretoucher;

    // Set once by Open; the appending thread hands it each sealed segment.
    private JournalCompressor? _compressor;

    // Owned by the appending thread.
    private JournalSegment? _segment;
    private long _segmentIndex;
    private long _offset;
    private long _syncedOffset;
    private long _position;
    private long _lastSyncTimestamp;
    private long _reportAt = long.MaxValue;
    private bool _disposed;

    private JournalWriter(string directory, TCodec codec, JournalOptions options)
    {
        _directory = directory;
        _codec = codec;
        _options = options;
        _eventSize = codec.EventSize;
        _syncIntervalTicks = (long)(options.SyncInterval.TotalSeconds * Stopwatch.Frequency);
        if (_eventSize <= 0 || JournalFormat.HeaderBytes + (2L * JournalFormat.RecordHeaderBytes) + _eventSize > options.SegmentBytes)
        {
            ThrowHelper.ThrowOption(nameof(JournalOptions.SegmentBytes), options.SegmentBytes, $"must hold the header, at least one {_eventSize}-byte event and an end record.");
        }
    }

    /// <summary>The journal directory.</summary>
    public string Directory => _directory;

    /// <summary>The options the writer runs with.</summary>
    public JournalOptions Options => _options;

    /// <summary>Journal position the next appended event gets.</summary>
    public long NextPosition => _position;

    /// <summary>What opening found at the end of an existing journal: a torn tail it truncated, or null.</summary>
    public JournalDamage? Recovery { get; private set; }

    /// <summary>Syncs performed (<see cref="JournalDurability"/>).</summary>
    public long Syncs { get; private set; }

    /// <summary>Segments the pretouch thread created ahead of a roll (<see cref="JournalOptions.Pretouch"/>).</summary>
    public long PretouchedSegments => _pretoucher?.Prepared ?? 0;

    /// <summary>Of <see cref="PretouchedSegments"/>, those prepared in a retired segment's file (<see cref="JournalOptions.RecycleSegments"/>).</summary>
    public long RecycledSegments => _pretoucher?.Recycled ?? 0;

    /// <summary>What the compression thread has done so far (<see cref="JournalOptions.Compressor"/>; all zero without one).</summary>
    public JournalCompressionStats Compression => _compressor?.Stats ?? default;

    /// <summary>
    /// Waits until every segment sealed so far is compressed (or failed: see <see cref="Compression"/>); false after
    /// <paramref name="timeout"/>. True at once without a compressor.
    /// </summary>
    public bool WaitForCompression(TimeSpan timeout) => _compressor?.WaitIdle(timeout) ?? true;

    /// <summary>Times a segment could not be allocated at first try (disk full episodes).</summary>
    public long FullEpisodes { get; private set; }

    /// <summary>Opens (or creates) the journal in <paramref name="directory"/> for appending.</summary>
    public static JournalWriter<T, TCodec> Open(string directory, TCodec codec, JournalOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        options ??= JournalOptions.Default;
        options.Validate();
        System.IO.Directory.CreateDirectory(directory);
        var writer = new JournalWriter<T, TCodec>(directory, codec, options);
        writer.Recover();
        if (options.Compressor is not null)
        {
            writer.StartCompressor(options.Compressor);
        }

        if (options.Pretouch)
        {
            writer._pretoucher = new JournalPretoucher(directory, options.RecycleSegments ? KeepMapped(options) : 0);
            writer.BeginSegment();
        }

        return writer;
    }

    /// <summary>Appends <paramref name="events"/> as one record (several when it crosses a segment end) with <paramref name="clock"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Append(ReadOnlySpan<T> events, long clock)
    {
        while (!events.IsEmpty)
        {
            if (_segment is null)
            {
                RollSlow(events.Length);
            }

            long room = _segment!.Length - _offset - (2 * JournalFormat.RecordHeaderBytes);
            int fit = (int)Math.Min(events.Length, room / _eventSize);
            if (fit <= 0)
            {
                SealSlow();
                continue;
            }

            byte* record = _segment.Base + _offset;
            int payloadBytes = fit * _eventSize;
            var payload = new Span<byte>(record + JournalFormat.RecordHeaderBytes, payloadBytes);
            if (_codec.IsRaw)
            {
                MemoryMarshal.AsBytes(events[..fit]).CopyTo(payload);
            }
            else
            {
                for (int i = 0; i < fit; i++)
                {
                    _codec.Encode(in events[i], payload.Slice(i * _eventSize, _eventSize));
                }
            }

            Commit(record, JournalRecordKind.Events, fit, _position, clock, 0, JournalFormat.RecordHeaderBytes + payloadBytes);
            _position += fit;
            events = events[fit..];
        }
    }

    /// <summary>Appends a mark (an explicit watermark or a control value) that applies before the next event.</summary>
    public void AppendMark(JournalRecordKind kind, long value, long clock)
    {
        if (kind is not (JournalRecordKind.Watermark or JournalRecordKind.Control))
        {
            ThrowHelper.ThrowOption(nameof(kind), kind, "a mark is a Watermark or a Control record.");
        }

        if (_segment is null)
        {
            RollSlow(0);
        }

        if (_segment!.Length - _offset < 2 * JournalFormat.RecordHeaderBytes)
        {
            SealSlow();
            RollSlow(0);
        }

        Commit(_segment!.Base + _offset, kind, 0, _position, clock, value, JournalFormat.RecordHeaderBytes);
    }

    /// <summary>The end of a batch: syncs when the durability policy says so. <paramref name="timestamp"/> is a <see cref="Stopwatch"/> reading.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void EndBatch(long timestamp)
    {
        switch (_options.Durability)
        {
            case JournalDurability.SyncPerBatch:
                Sync();
                break;
            case JournalDurability.IntervalSync when timestamp - _lastSyncTimestamp >= _syncIntervalTicks:
                _lastSyncTimestamp = timestamp;
                Sync();
                break;
        }
    }

    /// <summary>The end of a batch, as <see cref="EndBatch(long)"/>; the <see cref="Stopwatch"/> is read only when <see cref="JournalDurability.IntervalSync"/> needs it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void EndBatch()
    {
        if (_options.Durability != JournalDurability.None)
        {
            EndBatch(_options.Durability == JournalDurability.IntervalSync ? Stopwatch.GetTimestamp() : 0);
        }
    }

    /// <summary>Writes every appended record to the disk and waits (whatever the policy).</summary>
    public void Sync()
    {
        if (_segment is not null && _offset > _syncedOffset)
        {
            _segment.Sync(_syncedOffset, _offset - _syncedOffset);
            _syncedOffset = _offset;
            Syncs++;
        }
    }

    /// <summary>Syncs (unless the policy is <see cref="JournalDurability.None"/>) and unmaps; the journal stays open-ended for the next writer.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_options.Durability != JournalDurability.None)
        {
            Sync();
        }

        _pretoucher?.Dispose();
        _segment?.Dispose();
        _segment = null;
        _compressor?.Dispose();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Commit(byte* record, JournalRecordKind kind, int count, long position, long clock, long value, int length)
    {
        var header = new Span<byte>(record, JournalFormat.RecordHeaderBytes);
        BinaryPrimitives.WriteUInt32LittleEndian(header[JournalFormat.KindOffset..], (ushort)kind);
        BinaryPrimitives.WriteInt32LittleEndian(header[JournalFormat.CountOffset..], count);
        BinaryPrimitives.WriteInt64LittleEndian(header[JournalFormat.PositionOffset..], position);
        BinaryPrimitives.WriteInt64LittleEndian(header[JournalFormat.ClockOffset..], clock);
        BinaryPrimitives.WriteInt64LittleEndian(header[JournalFormat.ValueOffset..], value);
        uint crc = Crc32C.Compute(new ReadOnlySpan<byte>(record + JournalFormat.CrcStart, length - JournalFormat.CrcStart));
        BinaryPrimitives.WriteUInt32LittleEndian(header[JournalFormat.CrcOffset..], crc);

        // Release: the record is complete before its length says so (pairs with the acquire in JournalScan.Check).
        Volatile.Write(ref Unsafe.AsRef<uint>(record), BitConverter.IsLittleEndian ? (uint)length : BinaryPrimitives.ReverseEndianness((uint)length));
        _offset += JournalFormat.Align(length);
        if (_offset >= _reportAt)
        {
            ReportSlow();
        }
    }

    /// <summary>Once per <see cref="JournalPretoucher.ReportStep"/> written: tells the pretouch thread where the writer is.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ReportSlow()
    {
        _reportAt = _offset + JournalPretoucher.ReportStep(_options.SegmentBytes);
        _pretoucher!.Report(_offset);
    }

    /// <summary>The pretouch thread follows the segment being written (if any) and prepares the next one.</summary>
    private void BeginSegment()
    {
        if (_pretoucher is null)
        {
            return;
        }

        long next = _segment is null ? _segmentIndex : _segmentIndex + 1;
        _pretoucher.Begin(_segment, _offset, Path.Combine(_directory, JournalFormat.SegmentFileName(next)), _options.SegmentBytes);
        _reportAt = _segment is null ? long.MaxValue : _offset + JournalPretoucher.ReportStep(_options.SegmentBytes);
    }

    /// <summary>Closes the current segment with an end record (synced unless the policy is None); the next append rolls.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void SealSlow()
    {
        Debug.Assert(_segment is not null, "sealing needs a segment");
        Commit(_segment.Base + _offset, JournalRecordKind.SegmentEnd, 0, _position, 0, 0, JournalFormat.RecordHeaderBytes);
        if (_options.Durability != JournalDurability.None)
        {
            Sync();
        }

        _compressor?.Enqueue(_segment.Path);
        if (_options.RecycleSegments)
        {
            // A reused file's creation time is its first use's, and stores into pages it already made dirty leave its
            // write time where zeroing it left it: retention by age counts from the seal, as from the last append.
            File.SetLastWriteTimeUtc(_segment.Path, DateTime.UtcNow);
        }

        if (_pretoucher is not null)
        {
            _pretoucher.Retire(_segment);
        }
        else
        {
            _segment.Dispose();
        }

        _segment = null;
        _reportAt = long.MaxValue;
        _segmentIndex++;
    }

    /// <summary>Creates the next segment; a full disk is handled by <see cref="JournalOptions.WhenFull"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RollSlow(int pending)
    {
        ApplyRetention();
        string path = Path.Combine(_directory, JournalFormat.SegmentFileName(_segmentIndex));
        long started = Stopwatch.GetTimestamp();
        bool reported = false;
        _segment = TakePrepared(path);
        while (_segment is null)
        {
            try
            {
                _segment = JournalSegment.Create(path, _options.SegmentBytes);
            }
            catch (IOException e)
            {
                var full = new JournalFullException(_directory, _position, pending, e);
                if (!reported)
                {
                    reported = true;
                    FullEpisodes++;
                    _options.OnFull?.Invoke(full);
                }

                if (_options.WhenFull == JournalFullPolicy.Halt || Stopwatch.GetElapsedTime(started) >= _options.FullTimeout)
                {
                    throw full;
                }

                Thread.Sleep(_options.FullRetryInterval);
                ApplyRetention();
            }
        }

        JournalFormat.WriteHeader(_segment.Base, new JournalSegmentInfo
        {
            Path = path,
            Index = _segmentIndex,
            FirstPosition = _position,
            CreatedUnixMilliseconds = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            SegmentBytes = _options.SegmentBytes,
            EventSize = _eventSize,
            Durability = _options.Durability,
            SchemaHash = _codec.SchemaHash,
            EventType = _codec.EventType,
        });
        _offset = JournalFormat.HeaderBytes;
        _syncedOffset = 0;
        if (_options.Durability != JournalDurability.None)
        {
            Sync();
        }

        BeginSegment();
    }

    private JournalSegment? TakePrepared(string path)
    {
        try
        {
            return _pretoucher?.TakePrepared(path);
        }
        catch (IOException)
        {
            return null; // the name is taken: creating it reports that, as any other creation failure
        }
    }

    /// <summary>The compression thread, handed every sealed segment still raw (a previous writer may have stopped before compressing them).</summary>
    private void StartCompressor(ISegmentCompressor compressor)
    {
        _compressor = new JournalCompressor(compressor, _gate);
        foreach (string file in JournalFormat.ListSegments(_directory))
        {
            if (JournalFormat.TryParseSegmentIndex(file, out long index) && index < _segmentIndex)
            {
                _compressor.Enqueue(file);
            }
        }
    }

    /// <summary>
    /// Deletes the oldest closed segments beyond the size or age limit (never the one being written). Sizes are the files'
    /// sizes on disk, compressed where compressed. A compressed file carries its raw segment's last-write time.
    /// </summary>
    private void ApplyRetention()
    {
        if (_options.RetainBytes == 0 && _options.RetainAge is null)
        {
            return;
        }

        string[] files = JournalFormat.ListSegments(_directory);
        long total = 0;
        foreach (string file in files)
        {
            total += new FileInfo(file).Length;
        }

        DateTime oldest = _options.RetainAge is { } age ? DateTime.UtcNow - age : DateTime.MinValue;
        foreach (string file in files)
        {
            bool tooBig = _options.RetainBytes > 0 && total + _options.SegmentBytes > _options.RetainBytes;
            bool tooOld = File.GetLastWriteTimeUtc(file) < oldest && (File.GetCreationTimeUtc(file) < oldest || IsCompressedFile(file));
            if (!tooBig && !tooOld)
            {
                break;
            }

            lock (_gate)
            {
                long length = new FileInfo(file).Length;
                total -= length;
                if (!TryRecycle(file, length))
                {
                    File.Delete(file);
                }
            }
        }
    }

    /// <summary>
    /// With <see cref="JournalOptions.RecycleSegments"/>: renames a retired raw segment out of the journal (readers and
    /// retention list only exact segment names; the next writer deletes a leftover) and hands it to the pretouch thread,
    /// which zeroes it and prepares the next segment in it. False: the caller deletes it.
    /// </summary>
    private bool TryRecycle(string file, long length)
    {
        if (!_options.RecycleSegments || length != _options.SegmentBytes || _pretoucher is null || _pretoucher.HasSpare || IsCompressedFile(file))
        {
            return false;
        }

        string spare = file + JournalFormat.PreparedSuffix;
        File.Move(file, spare, overwrite: true);
        _pretoucher.Recycle(file, spare);
        return true;
    }

    /// <summary>
    /// Retired segments the pretouch thread keeps mapped for recycling: as many as retention keeps, plus the one it retires
    /// next (at most 4; by age alone, 2). A deleted one stays on the disk until unmapped: the bound keeps that small.
    /// </summary>
    private static int KeepMapped(JournalOptions options) =>
        (int)Math.Clamp(options.RetainBytes > 0 ? (options.RetainBytes / options.SegmentBytes) + 1 : 2, 1, 4);

    private static bool IsCompressedFile(string path)
    {
        Span<byte> magic = stackalloc byte[sizeof(ulong)];
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return JournalFormat.IsCompressed(magic[..RandomAccess.Read(handle, magic, 0)]);
    }

    /// <summary>
    /// Reads the existing journal to its end, truncates a torn tail, and positions the writer after the last record.
    /// A compression a crash interrupted left its temporary file beside the intact raw segment: deleted first.
    /// </summary>
    private void Recover()
    {
        SegmentCompression.DeleteUnfinished(_directory);
        IReadOnlyList<ISegmentCompressor>? compressors = _options.Compressor is { } own && !JournalReader.DefaultCompressors.Contains(own)
            ? [own, .. JournalReader.DefaultCompressors]
            : null;
        using JournalReader reader = JournalReader.Open<T, TCodec>(_directory, _codec, compressors);
        while (reader.TryRead(out _))
        {
        }

        _position = reader.NextPosition;
        if (reader.Segments.Count == 0)
        {
            DeleteHeaderlessSegments();
            _segmentIndex = 0;
            return;
        }

        JournalSegmentInfo last = reader.Segments[^1];
        DeleteHeaderlessSegments(after: last.Index);
        if (reader.CurrentSegment is null)
        {
            _segmentIndex = last.Index + 1; // the last segment is sealed: the next append creates a new one
            return;
        }

        long end = reader.CurrentOffset;
        Recovery = reader.Damage;
        _segmentIndex = last.Index;
        if (Recovery is not null && new FileInfo(last.Path).Length < last.SegmentBytes)
        {
            RewriteTruncated(last, end);
        }

        _segment = JournalSegment.Open(last.Path, writable: true)
            ?? throw new JournalCorruptException(last.Path, 0, "the last segment is empty");

        // Bytes after the valid end: a torn record, or an append a killed writer never committed (length 0).
        long dirtyEnd = JournalScan.NonZeroEnd(_segment, end, _segment.Length);
        if (dirtyEnd > end)
        {
            Recovery ??= new JournalDamage
            {
                Segment = last.Path,
                Offset = end,
                Reason = "an append that was never committed (length 0)",
                EventsNotJournaled = BinaryPrimitives.ReadInt32LittleEndian(new ReadOnlySpan<byte>(_segment.Base + end + JournalFormat.CountOffset, sizeof(int))),
                BytesDiscarded = dirtyEnd - end,
            };
            new Span<byte>(_segment.Base + end, checked((int)(dirtyEnd - end))).Clear();
            _segment.Sync(end, dirtyEnd - end);
        }

        _offset = end;
        _syncedOffset = end;
    }

    /// <summary>A truncated last segment is rebuilt at full size (allocated, so no store can fault) with its valid records.</summary>
    private static void RewriteTruncated(JournalSegmentInfo last, long end)
    {
        string temporary = last.Path + ".rebuild";
        File.Delete(temporary);
        byte[] valid = new byte[end];
        using (var source = File.OpenHandle(last.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            RandomAccess.Read(source, valid, 0);
        }

        using (JournalSegment rebuilt = JournalSegment.Create(temporary, last.SegmentBytes))
        {
            valid.CopyTo(new Span<byte>(rebuilt.Base, valid.Length));
            rebuilt.Sync(0, valid.Length);
        }

        File.Move(temporary, last.Path, overwrite: true);
    }

    /// <summary>
    /// A segment file without a header is one a writer died creating: nothing was ever appended to it. A prepared
    /// segment (<see cref="JournalFormat.PreparedSuffix"/>) is one a writer's pretouch thread created and never used.
    /// </summary>
    private void DeleteHeaderlessSegments(long after = -1)
    {
        foreach (string prepared in System.IO.Directory.GetFiles(_directory, "*" + JournalFormat.PreparedSuffix))
        {
            if (JournalFormat.TryParseSegmentIndex(prepared[..^JournalFormat.PreparedSuffix.Length], out _))
            {
                File.Delete(prepared);
            }
        }

        Span<byte> buffer = stackalloc byte[sizeof(ulong)];
        foreach (string file in JournalFormat.ListSegments(_directory))
        {
            if (JournalFormat.TryParseSegmentIndex(file, out long index) && index > after)
            {
                Span<byte> magic = buffer;
                using (var handle = File.OpenHandle(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
                {
                    magic = magic[..RandomAccess.Read(handle, magic, 0)];
                }

                if (JournalFormat.HasNoMagic(magic))
                {
                    File.Delete(file);
                }
            }
        }
    }
}

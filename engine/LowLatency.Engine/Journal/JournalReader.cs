using System.Buffers.Binary;

namespace LowLatency.Engine.Journal;

/// <summary>
/// Reads a journal in order, in this process or another, while a writer appends (a tailer): <see cref="TryRead"/>
/// returns false at the current end and true again once more is appended. Every record's length, kind,
/// size, CRC-32C and position are checked. A torn tail (last segment, nothing valid after it) ends the
/// journal and is reported in <see cref="Damage"/>; any other damage throws <see cref="JournalCorruptException"/>
/// naming the segment and offset. A journal of another event type or schema throws <see cref="JournalSchemaException"/>.
/// Compressed segments (<see cref="JournalOptions.Compressor"/>) are read transparently, decompressed whole when the
/// reader reaches them; a segment compressed while a reader is in it stays readable (the reader keeps the raw mapping).
/// Not thread-safe: one reader per thread.
/// </summary>
public sealed unsafe class JournalReader : IDisposable
{
    private readonly string _directory;
    private readonly string? _eventType;
    private readonly int _eventSize;
    private readonly ulong _schemaHash;
    private readonly IReadOnlyList<ISegmentCompressor> _compressors;
    private readonly List<JournalSegmentInfo> _segments = [];
    private JournalSegment? _current;
    private JournalSegmentInfo? _currentInfo;
    private int _segmentSlot;
    private long _offset;
    private long _nextPosition = -1;
    private string? _nextSegmentPath;

    private JournalReader(string directory, string? eventType, int eventSize, ulong schemaHash, IReadOnlyList<ISegmentCompressor>? compressors)
    {
        _directory = directory;
        _compressors = compressors ?? DefaultCompressors;
        _eventType = eventType;
        _eventSize = eventSize;
        _schemaHash = schemaHash;
        RefreshSegments();
    }

    /// <summary>The segments found (headers that could be read), oldest first.</summary>
    public IReadOnlyList<JournalSegmentInfo> Segments => _segments;

    /// <summary>The torn tail the reader stopped at, if any.</summary>
    public JournalDamage? Damage { get; private set; }

    /// <summary>The position after the last event read (the first position before any read).</summary>
    public long NextPosition => _nextPosition >= 0 ? _nextPosition : (_segments.Count > 0 ? _segments[0].FirstPosition : 0);

    /// <summary>The compressors a reader knows when it is given none: <see cref="Lz4SegmentCompressor"/>.</summary>
    public static IReadOnlyList<ISegmentCompressor> DefaultCompressors { get; } = [Lz4SegmentCompressor.Instance];

    /// <summary>Opens <paramref name="directory"/> for events of <paramref name="codec"/>'s type and schema (compressed segments: <see cref="DefaultCompressors"/>).</summary>
    public static JournalReader Open<T, TCodec>(string directory, TCodec codec)
        where T : struct
        where TCodec : struct, IJournalCodec<T> => Open<T, TCodec>(directory, codec, null);

    /// <summary>
    /// Opens <paramref name="directory"/> for events of <paramref name="codec"/>'s type and schema. <paramref name="compressors"/>:
    /// those that may have compressed its segments (null: <see cref="DefaultCompressors"/>).
    /// </summary>
    public static JournalReader Open<T, TCodec>(string directory, TCodec codec, IReadOnlyList<ISegmentCompressor>? compressors)
        where T : struct
        where TCodec : struct, IJournalCodec<T>
    {
        ArgumentNullException.ThrowIfNull(directory);
        return new JournalReader(directory, codec.EventType, codec.EventSize, codec.SchemaHash, compressors);
    }

    /// <summary>Opens <paramref name="directory"/> whatever its event type (to inspect it); the first segment's event size is used.</summary>
    public static JournalReader OpenAny(string directory) => OpenAny(directory, null);

    /// <summary>As <see cref="OpenAny(string)"/>, knowing <paramref name="compressors"/> (null: <see cref="DefaultCompressors"/>).</summary>
    public static JournalReader OpenAny(string directory, IReadOnlyList<ISegmentCompressor>? compressors)
    {
        ArgumentNullException.ThrowIfNull(directory);
        return new JournalReader(directory, null, 0, 0, compressors);
    }

    /// <summary>
    /// The segment files of the journal in <paramref name="directory"/> (named as the writer names them: 12 digits and
    /// <c>.journal</c>), oldest first; empty when the directory does not exist. Other files in the directory are not the journal's.
    /// </summary>
    public static IReadOnlyList<string> SegmentFiles(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        return Directory.Exists(directory) ? JournalFormat.ListSegments(directory) : [];
    }

    /// <summary>Reads the next complete record; false at the current end of the journal (or at a torn tail: see <see cref="Damage"/>).</summary>
    public bool TryRead(out JournalRecord record)
    {
        while (true)
        {
            record = default;
            if (Damage is not null || (_current is null && !TryOpenSegment()))
            {
                return false;
            }

            JournalSegment segment = _current!;
            JournalSegmentInfo info = _currentInfo!;
            long limit = Math.Min(segment.Length, info.SegmentBytes);
            switch (JournalScan.Check(segment, limit, _offset, info.EventSize, out JournalScan.RecordHeader header, out string? problem))
            {
                case JournalScan.Outcome.Record:
                    long expected = _nextPosition >= 0 ? _nextPosition : info.FirstPosition;
                    if (header.Position != expected)
                    {
                        ThrowIfRecycled(segment, info);
                        throw new JournalCorruptException(segment.Path, _offset, $"record position {header.Position}, expected {expected} (a gap or an overlap)");
                    }

                    long offset = _offset;
                    _offset += JournalFormat.Align(header.Length);
                    if (header.Kind == JournalRecordKind.SegmentEnd)
                    {
                        _nextPosition = header.Position;
                        CloseSegment();
                        _segmentSlot++;
                        continue;
                    }

                    _nextPosition = header.Position + header.Count;
                    record = new JournalRecord(
                        header.Kind, header.Position, header.Count, header.Clock, header.Value,
                        new ReadOnlySpan<byte>(segment.Base + offset + JournalFormat.RecordHeaderBytes, (int)header.Length - JournalFormat.RecordHeaderBytes),
                        info.Index, offset);
                    return true;

                case JournalScan.Outcome.End:
                    ThrowIfRecycled(segment, info);
                    if (NextSegmentExists())
                    {
                        // A live writer seals a segment before it creates the next: the end record may have landed
                        // between the look above and this one, so look again before calling it damage.
                        if (JournalScan.Check(segment, limit, _offset, info.EventSize, out _, out _) != JournalScan.Outcome.End)
                        {
                            continue;
                        }

                        throw new JournalCorruptException(segment.Path, _offset, limit < info.SegmentBytes
                            ? $"the segment is truncated ({segment.Length} of {info.SegmentBytes} bytes) and a later segment exists"
                            : "the segment ends without its end record and a later segment exists");
                    }

                    if (segment.Length < info.SegmentBytes)
                    {
                        Damage = new JournalDamage
                        {
                            Segment = segment.Path,
                            Offset = _offset,
                            Reason = $"the last segment is truncated ({segment.Length} of {info.SegmentBytes} bytes)",
                            EventsNotJournaled = 0,
                            BytesDiscarded = 0,
                        };
                    }

                    return false;

                default:
                    ThrowIfRecycled(segment, info);
                    if (NextSegmentExists() || JournalScan.AnyValidAfter(segment, limit, _offset, info.EventSize))
                    {
                        throw new JournalCorruptException(segment.Path, _offset, problem!);
                    }

                    Damage = new JournalDamage
                    {
                        Segment = segment.Path,
                        Offset = _offset,
                        Reason = problem!,
                        EventsNotJournaled = header.Kind == JournalRecordKind.Events && JournalScan.ExpectedLength(header, info.EventSize) == header.Length ? header.Count : -1,
                        BytesDiscarded = JournalScan.NonZeroEnd(segment, _offset, limit) - _offset,
                    };
                    return false;
            }
        }
    }

    /// <summary>Moves to the record holding <paramref name="position"/> (or the first record after it): segments by binary search, then records by their lengths.</summary>
    public void SeekToPosition(long position)
    {
        RefreshSegments();
        CloseSegment();
        Damage = null;
        int low = 0;
        int high = _segments.Count - 1;
        int slot = 0;
        while (low <= high)
        {
            int mid = (low + high) >>> 1;
            if (_segments[mid].FirstPosition <= position)
            {
                slot = mid;
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }

        _segmentSlot = slot;
        _nextPosition = -1;
        while (TryRead(out JournalRecord record))
        {
            if (record.Position + Math.Max(record.Count, 1) > position)
            {
                // Read it again next time.
                _offset = record.Offset;
                _nextPosition = record.Position;
                return;
            }
        }
    }

    /// <summary>
    /// Moves to the first event record whose first event has a timestamp ≥ <paramref name="time"/>: segments by binary
    /// search on their first event's time, then records by their lengths, reading one event per record. For a stream
    /// that is ordered up to a bound B, the result is within B of the exact position (events are never reordered).
    /// </summary>
    public void SeekToEventTime<T, TCodec, TExtractor>(long time, TCodec codec, TExtractor extractor)
        where T : struct
        where TCodec : struct, IJournalCodec<T>
        where TExtractor : struct, Time.ITimestampExtractor<T>
    {
        RefreshSegments();
        int low = 0;
        int high = _segments.Count - 1;
        int slot = 0;
        while (low <= high)
        {
            int mid = (low + high) >>> 1;
            SeekToPosition(_segments[mid].FirstPosition);
            if (TryReadFirstEventTime<T, TCodec, TExtractor>(ref codec, ref extractor, out long first, out _) && first < time)
            {
                slot = mid;
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }

        SeekToPosition(_segments.Count > 0 ? _segments[slot].FirstPosition : 0);
        while (TryReadFirstEventTime<T, TCodec, TExtractor>(ref codec, ref extractor, out long first, out long position))
        {
            if (first >= time)
            {
                SeekToPosition(position);
                return;
            }
        }
    }

    private bool TryReadFirstEventTime<T, TCodec, TExtractor>(ref TCodec codec, ref TExtractor extractor, out long time, out long position)
        where T : struct
        where TCodec : struct, IJournalCodec<T>
        where TExtractor : struct, Time.ITimestampExtractor<T>
    {
        while (TryRead(out JournalRecord record))
        {
            if (record.Kind == JournalRecordKind.Events)
            {
                T e = default;
                codec.Decode(record.Payload[..codec.EventSize], ref e);
                time = extractor.GetTimestamp(in e);
                position = record.Position;
                return true;
            }
        }

        time = 0;
        position = -1;
        return false;
    }

    /// <summary>Releases the mappings.</summary>
    public void Dispose() => CloseSegment();

    internal JournalSegmentInfo? CurrentSegment => _currentInfo;

    internal long CurrentOffset => _offset;

    private bool TryOpenSegment()
    {
        if (_segmentSlot >= _segments.Count)
        {
            RefreshSegments();
            if (_segmentSlot >= _segments.Count)
            {
                return false;
            }
        }

        JournalSegmentInfo listed = _segments[_segmentSlot];
        JournalSegment? segment = SegmentCompression.OpenForRead(listed.Path, _compressors);
        if (segment is null)
        {
            return false;
        }

        _current = segment;
        _currentInfo = listed;
        _offset = JournalFormat.HeaderBytes;
        if (_nextPosition >= 0 && listed.FirstPosition != _nextPosition)
        {
            CloseSegment();
            throw new JournalCorruptException(listed.Path, 0, $"the segment starts at position {listed.FirstPosition}, the previous one ended at {_nextPosition}");
        }

        return true;
    }

    private void CloseSegment()
    {
        _current?.Dispose();
        _current = null;
        _currentInfo = null;
        _nextSegmentPath = null;
    }

    /// <summary>
    /// A recycled segment (<see cref="JournalOptions.RecycleSegments"/>) is zeroed and rewritten in the same file, so a
    /// reader still in it sees its mapping change: zeroes (the end, with no next segment once retention retired that
    /// one too: a reader that would wait for ever), then another segment's header and records. Looked at before any
    /// end, damage or gap is concluded from what the mapping shows.
    /// </summary>
    private static void ThrowIfRecycled(JournalSegment segment, JournalSegmentInfo info)
    {
        var header = new ReadOnlySpan<byte>(segment.Base, JournalFormat.FirstPositionOffset + sizeof(long));
        if (JournalFormat.HasNoMagic(header) || BinaryPrimitives.ReadInt64LittleEndian(header[JournalFormat.SegmentIndexOffset..]) != info.Index)
        {
            throw new JournalCorruptException(segment.Path, 0, "the segment was recycled while this reader was in it: the reader fell behind the writer's retention (RetainBytes/RetainAge)");
        }
    }

    private bool NextSegmentExists()
    {
        _nextSegmentPath ??= Path.Combine(_directory, JournalFormat.SegmentFileName(_currentInfo!.Index + 1));
        return File.Exists(_nextSegmentPath);
    }

    /// <summary>Lists the segment files and reads the headers not read yet; checks order and schema.</summary>
    private void RefreshSegments()
    {
        if (!Directory.Exists(_directory))
        {
            throw new DirectoryNotFoundException($"Journal directory '{_directory}' does not exist.");
        }

        string[] files = JournalFormat.ListSegments(_directory);
        int known = _segments.Count;
        long lastKnown = known > 0 ? _segments[^1].Index : -1;
        Span<byte> header = stackalloc byte[JournalFormat.HeaderBytes];
        for (int i = 0; i < files.Length; i++)
        {
            if (!JournalFormat.TryParseSegmentIndex(files[i], out long index) || index <= lastKnown)
            {
                continue;
            }

            JournalSegmentInfo? info = ReadHeader(files[i], header, isLast: i == files.Length - 1);
            if (info is null)
            {
                break; // the newest segment is being created right now
            }

            if (_segments.Count > 0 && info.Index != _segments[^1].Index + 1)
            {
                throw new JournalCorruptException(files[i], 0, $"segment {_segments[^1].Index + 1} is missing before it");
            }

            CheckSchema(info);
            _segments.Add(info);
        }
    }

    private JournalSegmentInfo? ReadHeader(string path, Span<byte> header, bool isLast)
    {
        int read;
        long fileBytes;
        using (var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            fileBytes = RandomAccess.GetLength(handle);
            read = RandomAccess.Read(handle, header, 0);
            if (JournalFormat.IsCompressed(header[..read]))
            {
                // A compressed segment: its own 64-byte header, then the raw segment's header verbatim.
                if (!JournalFormat.TryReadCompressedHeader(header[..read], out ushort id, out long rawBytes, out _, out _, out string? bad))
                {
                    throw new JournalCorruptException(path, 0, bad!);
                }

                read = RandomAccess.Read(handle, header, JournalFormat.CompressedHeaderBytes);

                JournalSegmentInfo info = JournalFormat.ReadHeader(header[..read], path, out string? problem)
                    ?? throw new JournalCorruptException(path, JournalFormat.CompressedHeaderBytes, problem!);
                return info with { StoredBytes = fileBytes, UsedBytes = rawBytes, Compression = CompressorName(id) };
            }
        }

        if (isLast && JournalFormat.HasNoMagic(header[..read]))
        {
            return null; // being created: its magic is the header's last store
        }

        JournalSegmentInfo? raw = JournalFormat.ReadHeader(header[..read], path, out string? why)
            ?? throw new JournalCorruptException(path, 0, why!);
        return raw with { StoredBytes = fileBytes };
    }

    private string CompressorName(ushort id)
    {
        foreach (ISegmentCompressor compressor in _compressors)
        {
            if (compressor.Id == id)
            {
                return compressor.Name;
            }
        }

        return $"compressor {id}";
    }

    private void CheckSchema(JournalSegmentInfo info)
    {
        if (_eventType is null)
        {
            return;
        }

        if (info.EventType != _eventType || info.EventSize != _eventSize || info.SchemaHash != _schemaHash)
        {
            throw new JournalSchemaException(
                $"Journal segment '{info.Path}' holds {info.EventType} ({info.EventSize} bytes, schema 0x{info.SchemaHash:X16}); " +
                $"the codec expects {_eventType} ({_eventSize} bytes, schema 0x{_schemaHash:X16}).");
        }
    }
}

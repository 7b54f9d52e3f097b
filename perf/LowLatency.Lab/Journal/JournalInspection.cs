using System.Text.Json.Serialization;
using LowLatency.Engine.Journal;

namespace LowLatency.Lab.Journal;

/// <summary><c>journal inspect DIR</c>: segments, ranges, counts, the durability policy and any damage, read end to end (every CRC checked).</summary>
internal sealed record JournalInspection
{
    [JsonPropertyName("schema")]
    public int Schema { get; init; } = 1;

    [JsonPropertyName("command")]
    public string Command { get; init; } = "journal inspect";

    [JsonPropertyName("journal")]
    public required string Journal { get; init; }

    [JsonPropertyName("eventType")]
    public string? EventType { get; init; }

    [JsonPropertyName("eventSize")]
    public int EventSize { get; init; }

    [JsonPropertyName("schemaHash")]
    public string? SchemaHash { get; init; }

    [JsonPropertyName("durability")]
    public string? Durability { get; init; }

    [JsonPropertyName("segments")]
    public required IReadOnlyList<Segment> Segments { get; init; }

    [JsonPropertyName("records")]
    public long Records { get; init; }

    [JsonPropertyName("events")]
    public long Events { get; init; }

    [JsonPropertyName("marks")]
    public long Marks { get; init; }

    [JsonPropertyName("firstPosition")]
    public long FirstPosition { get; init; } = -1;

    [JsonPropertyName("lastPosition")]
    public long LastPosition { get; init; } = -1;

    /// <summary>A torn tail (truncated by the next writer) or the corruption that stopped the read; null when clean.</summary>
    [JsonPropertyName("damage")]
    public string? Damage { get; init; }

    /// <summary>Segments stored compressed (<c>--journal-compress</c>).</summary>
    [JsonPropertyName("compressedSegments")]
    public int CompressedSegments { get; init; }

    /// <summary>What the compressed segments used raw (headers and records), and what they take on disk.</summary>
    [JsonPropertyName("compressedRawBytes")]
    public long CompressedRawBytes { get; init; }

    [JsonPropertyName("compressedBytes")]
    public long CompressedBytes { get; init; }

    /// <summary><see cref="CompressedRawBytes"/> / <see cref="CompressedBytes"/>; 0 with no compressed segment.</summary>
    [JsonPropertyName("compressionRatio")]
    public double CompressionRatio { get; init; }

    /// <summary>True when the damage is corruption (not a torn tail): the journal is not readable past it.</summary>
    [JsonPropertyName("corrupt")]
    public bool Corrupt { get; init; }

    public sealed record Segment
    {
        [JsonPropertyName("index")]
        public long Index { get; init; }

        [JsonPropertyName("file")]
        public required string File { get; init; }

        /// <summary>On disk: the allocated size of a raw segment, the file's size of a compressed one.</summary>
        [JsonPropertyName("bytes")]
        public long Bytes { get; init; }

        /// <summary>The compressor's name for a compressed segment (<c>lz4</c>); null for a raw one.</summary>
        [JsonPropertyName("compression")]
        public string? Compression { get; init; }

        /// <summary>For a compressed segment: the bytes it used raw (header and records); 0 for a raw one.</summary>
        [JsonPropertyName("rawBytes")]
        public long RawBytes { get; init; }

        [JsonPropertyName("createdUtc")]
        public DateTime CreatedUtc { get; init; }

        [JsonPropertyName("records")]
        public long Records { get; init; }

        [JsonPropertyName("events")]
        public long Events { get; init; }

        [JsonPropertyName("firstPosition")]
        public long FirstPosition { get; init; }

        [JsonPropertyName("lastPosition")]
        public long LastPosition { get; init; } = -1;

        [JsonPropertyName("firstClock")]
        public long FirstClock { get; init; }

        [JsonPropertyName("lastClock")]
        public long LastClock { get; init; }
    }

    public static JournalInspection Read(string directory)
    {
        using JournalReader reader = JournalReader.OpenAny(directory);
        var counts = new Dictionary<long, (long Records, long Events, long First, long Last, long FirstClock, long LastClock)>();
        long records = 0, events = 0, marks = 0;
        string? damage = null;
        bool corrupt = false;
        try
        {
            while (reader.TryRead(out JournalRecord record))
            {
                records++;
                (long Records, long Events, long First, long Last, long FirstClock, long LastClock) c =
                    counts.TryGetValue(record.Segment, out var found) ? found : (0, 0, -1, -1, record.Clock, record.Clock);
                c.Records++;
                if (record.Kind == JournalRecordKind.Events)
                {
                    events += record.Count;
                    c.Events += record.Count;
                    c.First = c.First < 0 ? record.Position : c.First;
                    c.Last = record.Position + record.Count - 1;
                }
                else
                {
                    marks++;
                }

                c.LastClock = record.Clock;
                counts[record.Segment] = c;
            }

            damage = reader.Damage?.ToString();
        }
        catch (JournalCorruptException e)
        {
            damage = e.Message;
            corrupt = true;
        }

        var segments = new List<Segment>();
        foreach (JournalSegmentInfo info in reader.Segments)
        {
            var c = counts.TryGetValue(info.Index, out var found) ? found : (0, 0, -1, -1, 0, 0);
            segments.Add(new Segment
            {
                Index = info.Index,
                File = Path.GetFileName(info.Path),
                Bytes = info.StoredBytes,
                Compression = info.Compression,
                RawBytes = info.UsedBytes,
                CreatedUtc = DateTimeOffset.FromUnixTimeMilliseconds(info.CreatedUnixMilliseconds).UtcDateTime,
                Records = c.Item1,
                Events = c.Item2,
                FirstPosition = c.Item3 >= 0 ? c.Item3 : info.FirstPosition,
                LastPosition = c.Item4,
                FirstClock = c.Item5,
                LastClock = c.Item6,
            });
        }

        JournalSegmentInfo? last = reader.Segments.Count > 0 ? reader.Segments[^1] : null;
        long compressedRaw = 0, compressed = 0;
        int compressedSegments = 0;
        foreach (Segment s in segments)
        {
            if (s.Compression is not null)
            {
                compressedSegments++;
                compressedRaw += s.RawBytes;
                compressed += s.Bytes;
            }
        }

        return new JournalInspection
        {
            Journal = Path.GetFullPath(directory),
            EventType = last?.EventType,
            EventSize = last?.EventSize ?? 0,
            SchemaHash = last is null ? null : $"{last.SchemaHash:x16}",
            Durability = last?.Durability.ToString(),
            Segments = segments,
            Records = records,
            Events = events,
            Marks = marks,
            FirstPosition = segments.FirstOrDefault(s => s.LastPosition >= 0)?.FirstPosition ?? -1,
            LastPosition = segments.LastOrDefault(s => s.LastPosition >= 0)?.LastPosition ?? -1,
            Damage = damage,
            Corrupt = corrupt,
            CompressedSegments = compressedSegments,
            CompressedRawBytes = compressedRaw,
            CompressedBytes = compressed,
            CompressionRatio = compressed > 0 ? (double)compressedRaw / compressed : 0,
        };
    }

    public void Print(TextWriter output)
    {
        output.WriteLine($"Journal {Journal}");
        output.WriteLine($"  event type     {EventType ?? "—"} ({EventSize} bytes, schema {SchemaHash ?? "—"})");
        output.WriteLine($"  durability     {Durability ?? "—"}");
        output.WriteLine($"  segments       {Segments.Count}");
        foreach (Segment s in Segments)
        {
            string stored = s.Compression is null ? "raw" : $"{s.Compression} (raw {s.RawBytes:N0} B, {(double)s.RawBytes / s.Bytes:F1}×)";
            output.WriteLine($"    {s.File}  {s.Bytes,12:N0} B {stored}  created {s.CreatedUtc:yyyy-MM-dd HH:mm:ss}Z  records {s.Records,9:N0}  events {s.Events,12:N0}  positions {(s.LastPosition < 0 ? "—" : $"{s.FirstPosition:N0} … {s.LastPosition:N0}")}");
        }

        output.WriteLine($"  records        {Records:N0} ({Marks:N0} marks)");
        output.WriteLine($"  events         {Events:N0}" + (LastPosition >= 0 ? $", positions {FirstPosition:N0} … {LastPosition:N0}" : string.Empty));
        output.WriteLine(CompressedSegments == 0
            ? "  compressed     none"
            : $"  compressed     {CompressedSegments} of {Segments.Count} segments: {CompressedRawBytes:N0} B raw → {CompressedBytes:N0} B on disk, ratio {CompressionRatio:F2}×");
        output.WriteLine($"  damage         {Damage ?? "none"}");
    }
}

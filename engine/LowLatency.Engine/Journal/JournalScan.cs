using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using LowLatency.Engine.Integrity;

namespace LowLatency.Engine.Journal;

/// <summary>
/// Checks one record in place: the single rule for what a valid record is, shared by readers and by the
/// writer's recovery. A record that fails is a torn tail only when it is in the last segment and every
/// byte after it is zero (nothing was appended after it); anywhere else it is corruption.
/// </summary>
internal static unsafe class JournalScan
{
    public enum Outcome
    {
        /// <summary>A complete, checked record.</summary>
        Record,

        /// <summary>No record here (yet): length 0, or the segment's end.</summary>
        End,

        /// <summary>Something is here, and it is not a valid record.</summary>
        Invalid,
    }

    public static Outcome Check(JournalSegment segment, long limit, long offset, int eventSize, out RecordHeader header, out string? problem)
    {
        header = default;
        problem = null;
        if (offset + JournalFormat.RecordHeaderBytes > limit)
        {
            if (IsZero(segment, offset, limit))
            {
                return Outcome.End;
            }

            problem = "a record header runs past the end of the segment";
            return Outcome.Invalid;
        }

        byte* at = segment.Base + offset;

        // Acquire; pairs with the writer's release store of the length, the last store of a record.
        uint length = Volatile.Read(ref Unsafe.AsRef<uint>(at));
        if (length == 0)
        {
            // Not committed (yet): a live writer may be filling it right now, or a dead one never finished.
            return Outcome.End;
        }

        var bytes = new ReadOnlySpan<byte>(at, JournalFormat.RecordHeaderBytes);
        header = new RecordHeader(
            length,
            (JournalRecordKind)BinaryPrimitives.ReadUInt16LittleEndian(bytes[JournalFormat.KindOffset..]),
            BinaryPrimitives.ReadInt32LittleEndian(bytes[JournalFormat.CountOffset..]),
            BinaryPrimitives.ReadInt64LittleEndian(bytes[JournalFormat.PositionOffset..]),
            BinaryPrimitives.ReadInt64LittleEndian(bytes[JournalFormat.ClockOffset..]),
            BinaryPrimitives.ReadInt64LittleEndian(bytes[JournalFormat.ValueOffset..]));

        if (length < JournalFormat.RecordHeaderBytes || offset + length > limit)
        {
            problem = $"record length {length} does not fit the segment";
            return Outcome.Invalid;
        }

        if (ExpectedLength(header, eventSize) != length)
        {
            problem = $"a {header.Kind} record of {header.Count} event(s) cannot be {length} bytes";
            return Outcome.Invalid;
        }

        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(bytes[JournalFormat.CrcOffset..]);
        uint actual = Crc32C.Compute(new ReadOnlySpan<byte>(at + JournalFormat.CrcStart, (int)length - JournalFormat.CrcStart));
        if (stored != actual)
        {
            problem = $"CRC-32C mismatch (stored 0x{stored:X8}, computed 0x{actual:X8})";
            return Outcome.Invalid;
        }

        return Outcome.Record;
    }

    /// <summary>The length a record of this header's kind and count must have; -1 when no length fits (a bad kind or count).</summary>
    public static long ExpectedLength(in RecordHeader header, int eventSize) => header.Kind switch
    {
        JournalRecordKind.Events when header.Count > 0 => JournalFormat.RecordHeaderBytes + ((long)header.Count * eventSize),
        JournalRecordKind.Watermark or JournalRecordKind.Control or JournalRecordKind.SegmentEnd when header.Count == 0 => JournalFormat.RecordHeaderBytes,
        _ => -1,
    };

    /// <summary>
    /// True when a valid record starts anywhere after the invalid one at <paramref name="offset"/>: then the
    /// damage is not a torn tail (something was appended after it) and must not be truncated away.
    /// </summary>
    public static bool AnyValidAfter(JournalSegment segment, long limit, long offset, int eventSize)
    {
        long end = NonZeroEnd(segment, offset, limit);
        for (long candidate = offset + JournalFormat.RecordAlignment; candidate < end; candidate += JournalFormat.RecordAlignment)
        {
            if (Check(segment, limit, candidate, eventSize, out _, out _) == Outcome.Record)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The last non-zero byte in [from, to) + 1, or <paramref name="from"/> when all are zero.</summary>
    public static long NonZeroEnd(JournalSegment segment, long from, long to)
    {
        long end = to;
        while (end > from)
        {
            int chunk = (int)Math.Min(1 << 20, end - from);
            var span = new ReadOnlySpan<byte>(segment.Base + end - chunk, chunk);
            int last = span.LastIndexOfAnyExcept((byte)0);
            if (last >= 0)
            {
                return end - chunk + last + 1;
            }

            end -= chunk;
        }

        return from;
    }

    public static bool IsZero(JournalSegment segment, long from, long to) => NonZeroEnd(segment, from, to) == from;

    public readonly record struct RecordHeader(uint Length, JournalRecordKind Kind, int Count, long Position, long Clock, long Value);
}

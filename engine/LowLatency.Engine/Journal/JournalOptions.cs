namespace LowLatency.Engine.Journal;

/// <summary>How a journal lays out, syncs, retains and fills its segments.</summary>
public sealed record JournalOptions
{
    /// <summary>64 MiB segments, page-cache durability, unlimited retention, backpressure when full.</summary>
    public static JournalOptions Default { get; } = new();

    /// <summary>Bytes per segment file (allocated up front, so a full disk shows when a segment is created, never mid-record). At least 64 KiB.</summary>
    public long SegmentBytes { get; init; } = 64L << 20;

    /// <summary>When records reach the disk; see <see cref="JournalDurability"/> for what each policy can lose.</summary>
    public JournalDurability Durability { get; init; } = JournalDurability.None;

    /// <summary>With <see cref="JournalDurability.IntervalSync"/>: the longest time between syncs while records arrive.</summary>
    public TimeSpan SyncInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// True: a background thread keeps the pages ahead of the writer resident and writable, creates the next segment
    /// before the roll, and unmaps closed ones, so the journaling thread's appends take no page faults and its rolls
    /// allocate nothing. It pays off with a spare core; on a saturated box the same kernel work only moves to a thread
    /// that competes with the pipeline's (see the README's journal figures). False (default): the journaling thread
    /// faults in its own pages and creates and unmaps its segments.
    /// </summary>
    public bool Pretouch { get; init; }

    /// <summary>Oldest closed segments are deleted while the journal holds more than this many bytes (0: keep everything).</summary>
    public long RetainBytes { get; init; }

    /// <summary>Closed segments created longer ago than this are deleted when a segment rolls (null: keep them).</summary>
    public TimeSpan? RetainAge { get; init; }

    /// <summary>
    /// Compresses each segment once it is sealed, on a background thread of the writer (null, the default: segments stay raw).
    /// The compressed file replaces the raw one by a single rename, so a crash leaves one or the other; readers decompress
    /// transparently. Costs the compression thread's CPU (on a saturated box it competes with the pipeline, at lower
    /// priority), never the appending thread's. See the README's "Compressed segments".
    /// </summary>
    public ISegmentCompressor? Compressor { get; init; }

    /// <summary>
    /// True: a segment retention retires is reused for a later segment instead of deleted, as Chronicle Queue and Aeron's
    /// log buffers reuse their files. The pretouch thread renames it out of the journal, zeroes it (its pages are already
    /// allocated and in the page cache, so this is a plain store per byte, not a page fault per 4 KiB) and hands it to the
    /// writer at the roll. Needs <see cref="Pretouch"/> and a retention limit (a journal that keeps everything has
    /// nothing to recycle), and no <see cref="Compressor"/> (a compressed file is not a segment's size). A tailer must
    /// stay within retention of the writer: one still reading a segment when it is reused sees it zeroed and rewritten, its
    /// next read fails with <see cref="JournalCorruptException"/>, and a record it holds then may change under it (with
    /// deletion it keeps reading the unlinked file).
    /// </summary>
    public bool RecycleSegments { get; init; }

    /// <summary>What happens when the next segment cannot be allocated.</summary>
    public JournalFullPolicy WhenFull { get; init; } = JournalFullPolicy.Backpressure;

    /// <summary>With <see cref="JournalFullPolicy.Backpressure"/>: how often allocation is retried.</summary>
    public TimeSpan FullRetryInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>With <see cref="JournalFullPolicy.Backpressure"/>: how long to keep retrying before halting.</summary>
    public TimeSpan FullTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Called on the journaling thread when a segment cannot be allocated, once per episode (log it, free space).</summary>
    public Action<JournalFullException>? OnFull { get; init; }

    internal void Validate()
    {
        if (SegmentBytes < JournalFormat.MinSegmentBytes || SegmentBytes % JournalFormat.RecordAlignment != 0)
        {
            ThrowHelper.ThrowOption(nameof(SegmentBytes), SegmentBytes, $"must be at least {JournalFormat.MinSegmentBytes} and a multiple of {JournalFormat.RecordAlignment}.");
        }

        if (SyncInterval <= TimeSpan.Zero)
        {
            ThrowHelper.ThrowOption(nameof(SyncInterval), SyncInterval, "must be positive.");
        }

        if (RetainBytes < 0)
        {
            ThrowHelper.ThrowOption(nameof(RetainBytes), RetainBytes, "must be 0 (unlimited) or positive.");
        }

        if (Compressor is not null && SegmentBytes > int.MaxValue)
        {
            ThrowHelper.ThrowOption(nameof(SegmentBytes), SegmentBytes, $"must be at most {int.MaxValue} bytes when segments are compressed.");
        }

        if (RecycleSegments && (!Pretouch || (RetainBytes == 0 && RetainAge is null) || Compressor is not null))
        {
            ThrowHelper.ThrowOption(nameof(RecycleSegments), RecycleSegments, "needs Pretouch, a retention limit (RetainBytes or RetainAge) and no Compressor.");
        }

        if (FullRetryInterval <= TimeSpan.Zero || FullTimeout < TimeSpan.Zero)
        {
            ThrowHelper.ThrowOption(nameof(FullRetryInterval), FullRetryInterval, "must be positive, and FullTimeout not negative.");
        }
    }
}

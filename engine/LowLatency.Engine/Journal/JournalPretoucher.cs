namespace LowLatency.Engine.Journal;

/// <summary>
/// Takes the page faults off the journaling thread, as Chronicle Queue's pretoucher does: a background thread keeps
/// the pages of the segment being written resident and writable a window ahead of the writer (Linux:
/// <c>madvise(MADV_POPULATE_WRITE)</c>; elsewhere a compare-and-swap of 0 over 0 on each page, which never changes
/// a byte the writer stored), creates, allocates and populates the next segment under a temporary name before the
/// writer needs it, and unmaps the segments the writer is done with. The writer's stores then hit resident pages;
/// the kernel's work (allocating, zeroing and mapping pages, unmapping) runs on the other thread.
/// </summary>
/// <remarks>
/// The writer wakes the thread once per <see cref="ReportStep"/> it writes (one release store and one event set), and
/// hands segments over under <c>_gate</c> at a roll. The thread only populates ranges ahead of the writer's last
/// reported offset, and is the only one to dispose retired segments, so it never touches an unmapped range. It is paced
/// by the writer: each wake-up populates what keeps the lead at <see cref="Ahead"/> (about one report's worth, in the
/// current segment or, past its end, in the prepared next one), in <see cref="Step"/>s.
/// </remarks>
internal sealed unsafe class JournalPretoucher : IDisposable
{
    /// <summary>
    /// Bytes between the writer's reports of its offset (the thread's wake-ups), and the unit it populates ahead in: one
    /// <see cref="Step"/>, so a wake-up takes a core from the demo's threads for about 32 pages' kernel work. 1 MiB gave the
    /// journaled demo a higher p99 at 1 M ticks/s (2.8 against 3.5 ms, median of six rounds, stop 21).
    /// </summary>
    public const long Chunk = Step;

    /// <summary>How far ahead of the writer pages are kept resident.</summary>
    public const long Ahead = 16L << 20;

    /// <summary>
    /// Bytes made resident, or zeroed when recycling, at a time. The demo's two threads fill both cores of a small box, so
    /// whatever this thread runs, it runs in their place: in one go, a fresh segment's first 16 MiB held a core 20-25 ms
    /// (measured), and every tick queued behind it. A step of 32 fresh pages measured 80-100 µs of kernel work; the total
    /// is the same, only spread out. Zeroing a recycled segment gives the core away between steps
    /// (<see cref="Thread.Yield"/>); populating does not, a wake-up being about one step (a yield there cost the demo more
    /// than it spread: p99 at 1 M ticks/s 4.0 against 3.2 ms, max-speed rate 0.69 against 0.76× without the journal,
    /// stop 21).
    /// </summary>
    public const long Step = 128L << 10;

    private static readonly TimeSpan s_stopBound = TimeSpan.FromSeconds(10);

    private readonly Thread _thread;
    private readonly AutoResetEvent _wake = new(initialState: false);
    private readonly Lock _gate = new();
    private readonly List<JournalSegment> _retired = [];

    // Written by the writer under _gate (Begin), read by the thread under _gate.
    private JournalSegment? _current;
    private string? _nextPath;
    private long _nextBytes;

    // Written by the thread under _gate, taken by the writer under _gate (TakePrepared).
    private JournalSegment? _prepared;

    // A retired segment's file to prepare the next segment in (its name in the journal, and now): set by the writer under
    // _gate (Recycle), taken by the thread under _gate.
    private string? _spare;
    private string? _spareWas;

    // Thread-local to the pretouching thread (and Dispose, after it stopped): retired segments kept mapped, oldest first,
    // so one that is recycled is zeroed through pages already mapped and, while not yet written back, still writable.
    private readonly Queue<JournalSegment> _mapped = new();
    private readonly int _keepMapped;

    // Written by the writer (release, once per Chunk), read by the thread (acquire).
    private long _writerOffset;

    // Written by Dispose (release), read by the thread (acquire).
    private bool _stopping;

    // Thread-local to the pretouching thread: the segment it populates and how far; the next segment it prepared (until the
    // writer begins it) and how far the writer's lead has populated it.
    private JournalSegment? _touching;
    private long _touched;
    private JournalSegment? _preparing;
    private long _preparingTouched;
    private string? _failedPath;
    private bool _madviseWorks = true; // until the kernel refuses MADV_POPULATE_WRITE (not Linux, or Linux < 5.14)

    /// <summary>Starts the thread; it keeps the last <paramref name="keepMapped"/> retired segments mapped for recycling (0: unmaps them at once).</summary>
    public JournalPretoucher(string directory, int keepMapped = 0)
    {
        _keepMapped = keepMapped;
        _thread = new Thread(Run) { IsBackground = true, Name = "journal-pretouch " + Path.GetFileName(directory) };
        _thread.Start();
    }

    /// <summary>Segments the thread created ahead (each one a roll that paid no allocation on the writer's thread).</summary>
    public long Prepared { get; private set; }

    /// <summary>Of <see cref="Prepared"/>, those prepared in a retired segment's file (zeroed, not allocated).</summary>
    public long Recycled { get; private set; }

    /// <summary>Writer: a retired segment's file waits to be reused (one at a time; the writer deletes others).</summary>
    public bool HasSpare
    {
        get
        {
            lock (_gate)
            {
                return _spare is not null;
            }
        }
    }

    /// <summary>Writer: prepare the next segment in <paramref name="path"/>, a retired segment's file already renamed out of the journal from <paramref name="was"/>.</summary>
    public void Recycle(string was, string path)
    {
        lock (_gate)
        {
            _spare = path;
            _spareWas = was;
        }
    }

    /// <summary>
    /// Writer: <paramref name="segment"/> is now written from <paramref name="offset"/> on (null: none yet, the next append
    /// creates one); prepare <paramref name="nextPath"/> once the writer is half way through it.
    /// </summary>
    public void Begin(JournalSegment? segment, long offset, string nextPath, long nextBytes)
    {
        lock (_gate)
        {
            _current = segment;
            _nextPath = nextPath;
            _nextBytes = nextBytes;
        }

        Report(offset);
    }

    /// <summary>How often the writer reports its offset: every <see cref="Chunk"/>, or a quarter of a smaller segment.</summary>
    public static long ReportStep(long segmentBytes) => Math.Min(Chunk, segmentBytes / 4);

    /// <summary>Writer: its offset in the current segment (called once per <see cref="ReportStep"/>).</summary>
    public void Report(long offset)
    {
        Volatile.Write(ref _writerOffset, offset);
        _wake.Set();
    }

    /// <summary>Writer: the segment prepared for <paramref name="path"/>, renamed to it; null when none is ready (the writer creates it itself).</summary>
    public JournalSegment? TakePrepared(string path)
    {
        JournalSegment? prepared;
        lock (_gate)
        {
            prepared = _prepared is not null && _nextPath == path ? _prepared : null;
            _prepared = prepared is null ? _prepared : null;
            _nextPath = null; // not ready: the thread drops it when it finishes
        }

        if (prepared is null)
        {
            return null;
        }

        try
        {
            prepared.Rename(path);
            return prepared;
        }
        catch (IOException)
        {
            Retire(prepared, delete: true);
            throw;
        }
    }

    /// <summary>Writer: it is done with <paramref name="segment"/>; the thread unmaps it (and deletes its file when <paramref name="delete"/>).</summary>
    public void Retire(JournalSegment segment, bool delete = false)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_current, segment))
            {
                _current = null;
            }

            segment.DeleteOnDispose = delete;
            _retired.Add(segment);
        }

        _wake.Set();
    }

    /// <summary>Stops the thread (bounded), unmaps what it holds and deletes an unused prepared segment.</summary>
    public void Dispose()
    {
        Volatile.Write(ref _stopping, true);
        _wake.Set();
        if (!_thread.Join(s_stopBound))
        {
            throw new TimeoutException($"The journal pretouch thread did not stop within {s_stopBound.TotalSeconds} s.");
        }

        string? spare;
        lock (_gate)
        {
            if (_prepared is not null)
            {
                _prepared.DeleteOnDispose = true;
                _retired.Add(_prepared);
                _prepared = null;
            }

            spare = _spare;
            _spare = null;
        }

        if (spare is not null)
        {
            File.Delete(spare);
        }

        DisposeRetired();
        while (_mapped.TryDequeue(out JournalSegment? kept))
        {
            kept.Dispose();
        }

        _wake.Dispose();
    }

    private void Run()
    {
        while (!Volatile.Read(ref _stopping))
        {
            _wake.WaitOne();
            if (Volatile.Read(ref _stopping))
            {
                return;
            }

            DisposeRetired();
            TouchAhead();
            PrepareNext();
        }
    }

    /// <summary>
    /// Populates <see cref="Ahead"/> past the writer: in the current segment, and past its end in the prepared next one.
    /// Paced by the writer: each wake-up populates about what the writer wrote since the last, never a segment's lead at once.
    /// </summary>
    private void TouchAhead()
    {
        JournalSegment? segment;
        JournalSegment? prepared;
        lock (_gate)
        {
            segment = _current;
            prepared = _prepared;
        }

        if (segment is null)
        {
            return;
        }

        if (!ReferenceEquals(segment, _touching))
        {
            // A segment this thread prepared is already populated as far as the lead reached into it.
            _touched = ReferenceEquals(segment, _preparing) ? _preparingTouched : 0;
            _touching = segment;
            _preparing = null;
        }

        long writer = Volatile.Read(ref _writerOffset);
        long target = writer + Ahead;
        _touched = Math.Max(_touched, writer & ~(Chunk - 1));
        if (_touched < Math.Min(segment.Length, target))
        {
            Populate(segment, _touched, Math.Min(segment.Length, target) - _touched);
            _touched = Math.Min(segment.Length, target);
        }

        if (target > segment.Length && prepared is not null && ReferenceEquals(prepared, _preparing))
        {
            long nextTarget = Math.Min(prepared.Length, target - segment.Length);
            if (_preparingTouched < nextTarget)
            {
                Populate(prepared, _preparingTouched, nextTarget - _preparingTouched);
                _preparingTouched = nextTarget;
            }
        }
    }

    /// <summary>
    /// Creates and allocates the next segment (under a temporary name) once the writer is half way through the current one;
    /// <see cref="TouchAhead"/> populates it as the writer's lead reaches into it.
    /// </summary>
    private void PrepareNext()
    {
        string? path;
        long bytes;
        lock (_gate)
        {
            // Only while a segment is being written: at a roll the writer creates the segment itself (racing it would do the work twice).
            bool due = _current is not null && Volatile.Read(ref _writerOffset) >= _current.Length / 2;
            path = due && _prepared is null && _nextPath != _failedPath ? _nextPath : null;
            bytes = _nextBytes;
        }

        if (path is null)
        {
            return;
        }

        JournalSegment? segment = TryReuseSpare(path + JournalFormat.PreparedSuffix, bytes);
        bool recycled = segment is not null;
        if (segment is null)
        {
            try
            {
                segment = JournalSegment.Create(path + JournalFormat.PreparedSuffix, bytes);
            }
            catch (IOException)
            {
                _failedPath = path; // a full disk: the writer meets it at the roll, with its policy
                return;
            }
        }

        lock (_gate)
        {
            if (_nextPath == path && _prepared is null)
            {
                _prepared = segment;
                _preparing = segment;
                _preparingTouched = 0;
                Prepared++;
                Recycled += recycled ? 1 : 0;
                return;
            }
        }

        segment.DeleteOnDispose = true; // the writer rolled without it
        segment.Dispose();
    }

    /// <summary>
    /// The spare file (if any), renamed to <paramref name="path"/>, mapped and zeroed whole, so it reads as a fresh segment
    /// (records are found by their lengths: no byte of the retired segment may survive). Null when there is none or it
    /// cannot be reused (deleted then; the caller creates a fresh segment).
    /// </summary>
    private JournalSegment? TryReuseSpare(string path, long bytes)
    {
        string? spare;
        string? was;
        lock (_gate)
        {
            spare = _spare;
            was = _spareWas;
            _spare = null;
        }

        if (spare is null)
        {
            return null;
        }

        JournalSegment? segment = TakeMapped(was!);
        try
        {
            if (segment is null)
            {
                File.Move(spare, path, overwrite: false);
                segment = JournalSegment.Open(path, writable: true);
            }
            else
            {
                segment.Renamed(spare);
                segment.Rename(path);
            }

            if (segment is null || segment.Length != bytes)
            {
                segment?.Dispose();
                File.Delete(path);
                return null;
            }
        }
        catch (IOException)
        {
            segment?.Dispose();
            File.Delete(spare);
            File.Delete(path);
            return null;
        }

        for (long offset = 0; offset < bytes; offset += Step)
        {
            new Span<byte>(segment.Base + offset, (int)Math.Min(Step, bytes - offset)).Clear();
            Thread.Yield();
        }

        return segment;
    }

    /// <summary>Makes [<paramref name="offset"/>, +<paramref name="length"/>) resident and writable, one <see cref="Step"/> at a time.</summary>
    private void Populate(JournalSegment segment, long offset, long length)
    {
        for (long at = offset; at < offset + length && !Volatile.Read(ref _stopping); at += Step)
        {
            PopulateStep(segment, at, Math.Min(Step, offset + length - at));
        }
    }

    private void PopulateStep(JournalSegment segment, long offset, long length)
    {
        if (_madviseWorks && segment.TryPopulateWrite(offset, length))
        {
            return;
        }

        _madviseWorks = false;
        long page = Environment.SystemPageSize;
        for (long at = offset; at < offset + length; at += page)
        {
            Interlocked.CompareExchange(ref *(int*)(segment.Base + at), 0, 0);
        }
    }

    private void DisposeRetired()
    {
        JournalSegment[] retired;
        lock (_gate)
        {
            if (_retired.Count == 0)
            {
                return;
            }

            retired = [.. _retired];
            _retired.Clear();
        }

        foreach (JournalSegment segment in retired)
        {
            if (ReferenceEquals(segment, _touching))
            {
                _touching = null;
            }

            if (ReferenceEquals(segment, _preparing))
            {
                _preparing = null;
            }

            if (_keepMapped > 0 && !segment.DeleteOnDispose)
            {
                _mapped.Enqueue(segment);
                if (_mapped.Count > _keepMapped)
                {
                    _mapped.Dequeue().Dispose();
                }
            }
            else
            {
                segment.Dispose();
            }
        }
    }

    /// <summary>The retired segment still mapped whose file was <paramref name="path"/>, taken out of the kept ones; null when unmapped already.</summary>
    private JournalSegment? TakeMapped(string path)
    {
        JournalSegment? found = null;
        for (int i = _mapped.Count; i > 0; i--)
        {
            JournalSegment segment = _mapped.Dequeue();
            if (found is null && segment.Path == path)
            {
                found = segment;
            }
            else
            {
                _mapped.Enqueue(segment);
            }
        }

        return found;
    }
}

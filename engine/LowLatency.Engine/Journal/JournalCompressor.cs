using System.Diagnostics;

namespace LowLatency.Engine.Journal;

/// <summary>
/// The writer's compression thread (<see cref="JournalOptions.Compressor"/>): compresses sealed segments, oldest first,
/// off the journaling thread. The writer hands it a segment's path when it seals one (<see cref="Enqueue"/>: a lock and a
/// queue, once per segment, never per event). Runs below normal priority: on a saturated box the pipeline's threads come
/// first and sealed segments stay raw a little longer. A segment it cannot compress (any exception, the compressor's
/// included) stays raw and readable, its temporary file deleted; the error is kept and counted in <see cref="Stats"/>.
/// </summary>
internal sealed class JournalCompressor : IDisposable
{
    private readonly ISegmentCompressor _compressor;

    // Guards _pending, _busy and _stopping (writer thread, compression thread, WaitIdle callers).
    private readonly object _sync = new();
    private readonly Queue<string> _pending = new();
    private readonly Thread _thread;
    private bool _busy;
    private bool _stopping;

    // Written by the compression thread, read by anyone (Interlocked / Volatile).
    private long _segments;
    private long _rawBytes;
    private long _compressedBytes;
    private long _ticks;
    private long _failures;
    private Exception? _lastError;

    public JournalCompressor(ISegmentCompressor compressor, Lock gate)
    {
        _compressor = compressor;
        Gate = gate;
        _thread = new Thread(Run) { Name = "journal-compress", IsBackground = true, Priority = ThreadPriority.BelowNormal };
        _thread.Start();
    }

    /// <summary>Held while a compressed file replaces a raw segment, and by retention while it deletes one: never both at once.</summary>
    public Lock Gate { get; }

    public JournalCompressionStats Stats => new()
    {
        Segments = Volatile.Read(ref _segments),
        RawBytes = Volatile.Read(ref _rawBytes),
        CompressedBytes = Volatile.Read(ref _compressedBytes),
        Elapsed = Stopwatch.GetElapsedTime(0, Volatile.Read(ref _ticks)),
        Failures = Volatile.Read(ref _failures),
        LastError = Volatile.Read(ref _lastError),
    };

    public void Enqueue(string path)
    {
        lock (_sync)
        {
            _pending.Enqueue(path);
            Monitor.PulseAll(_sync);
        }
    }

    /// <summary>Waits until every segment handed over so far is compressed (or failed); false after <paramref name="timeout"/>.</summary>
    public bool WaitIdle(TimeSpan timeout)
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        lock (_sync)
        {
            while (_pending.Count > 0 || _busy)
            {
                long left = deadline - Stopwatch.GetTimestamp();
                if (left <= 0 || !_thread.IsAlive)
                {
                    return false;
                }

                Monitor.Wait(_sync, TimeSpan.FromSeconds(Math.Min(left, Stopwatch.Frequency) / (double)Stopwatch.Frequency));
            }

            return true;
        }
    }

    /// <summary>Finishes the segment being compressed (a bounded wait: one segment) and stops; the rest stay raw for the next writer.</summary>
    public void Dispose()
    {
        lock (_sync)
        {
            _stopping = true;
            Monitor.PulseAll(_sync);
        }

        _thread.Join();
    }

    private void Run()
    {
        byte[]? buffer = null;
        while (true)
        {
            string path;
            lock (_sync)
            {
                _busy = false;
                Monitor.PulseAll(_sync);
                while (_pending.Count == 0 && !_stopping)
                {
                    Monitor.Wait(_sync);
                }

                if (_stopping)
                {
                    return;
                }

                path = _pending.Dequeue();
                _busy = true;
            }

            long started = Stopwatch.GetTimestamp();
            try
            {
                if (SegmentCompression.Compress(path, _compressor, Gate, ref buffer) is { } done)
                {
                    Interlocked.Add(ref _rawBytes, done.RawBytes);
                    Interlocked.Add(ref _compressedBytes, done.CompressedBytes);
                    Interlocked.Increment(ref _segments);
                }
            }
            catch (Exception e)
            {
                // Whatever failed (the disk, a host's compressor), the raw segment is untouched and stays readable.
                Volatile.Write(ref _lastError, e);
                Interlocked.Increment(ref _failures);
            }

            Interlocked.Add(ref _ticks, Stopwatch.GetTimestamp() - started);
        }
    }
}

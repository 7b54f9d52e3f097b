using System.Diagnostics;
using System.Runtime.CompilerServices;
using LowLatency.Engine.Sequencing;

namespace LowLatency.Engine.Flow;

/// <summary>
/// What every event source has, whatever its event type: its counters, and the pause/resume signal with
/// hysteresis that edges use to stop reading (see <see cref="EventSource{T}"/>).
/// </summary>
/// <remarks>
/// <para>Pause and resume: occupancy (slots claimed and not yet released by every gating stage) at or above
/// the high mark pauses the source; at or below the low mark it resumes. Both transitions are decided and
/// their callbacks run under one lock, after re-reading occupancy, so the callbacks alternate strictly —
/// pause, resume, pause, … — once per observed crossing, whichever threads see them. The producer
/// detects the high crossing as it publishes (an estimate from a cached gating value makes that a compare
/// per offer; the real occupancy is read only when the estimate crosses the mark). Stages detect the low
/// crossing as they advance, only while a source is paused (see <see cref="FlowHub"/>).</para>
/// <para>One producer at a time: a thread, or a sequential async flow whose awaits order its offers.
/// Counters are written by that producer only and read by anyone (64-bit loads and stores are atomic on
/// the supported platforms).</para>
/// </remarks>
public abstract class EventSource : IDisposable
{
    // A monitor, not System.Threading.Lock: the producer and a stage can contend for it at a crossing,
    // and a contended Lock allocates its wait event on the managed heap (the producer's hot path), while a
    // monitor inflates into native memory.
    private readonly object _signalLock = new();
    private readonly FlowHub _hub;
    private readonly Action? _onPause;
    private readonly Action? _onResume;
    private readonly CapacityWaiter _waiter = new();

    // Producer thread only (see remarks for the counters).
    private readonly long[] _dropped = new long[Enum.GetValues<DropReason>().Length];
    private long _published;
    private long _cachedMinimum = Sequence.InitialValue;
    private long _sampleCount;

    // Written under _signalLock; read by anyone (volatile / Volatile.Read).
    private volatile bool _paused;
    private long _pauses;
    private long _resumes;

    // Guarded by _signalLock (written at pause and resume, read by BackPressuredTime).
    private long _pausedSince;
    private long _pausedTicks;

    // 0 → 1 once, by Dispose (Interlocked); read by PauseSlow.
    private int _disposed;

    private protected EventSource(Sequencer sequencer, EventSourceOptions options)
    {
        ArgumentNullException.ThrowIfNull(sequencer);
        options ??= EventSourceOptions.Default;
        options.Validate();
        Sequencer = sequencer;
        Options = options;
        Name = options.Name;
        int capacity = sequencer.BufferSize;
        HighMark = Math.Clamp((long)Math.Ceiling(options.HighWatermark * capacity), 1, capacity);
        LowMark = Math.Min(HighMark - 1, (long)Math.Floor(options.LowWatermark * capacity));
        _onPause = options.OnPause;
        _onResume = options.OnResume;
        _hub = FlowHub.Of(sequencer);
        _hub.Register(this);
    }

    /// <summary>The source's name in metrics.</summary>
    public string Name { get; }

    /// <summary>The options the source was created with.</summary>
    public EventSourceOptions Options { get; }

    /// <summary>Occupancy (slots) at or above which the source pauses.</summary>
    public long HighMark { get; }

    /// <summary>Occupancy (slots) at or below which a paused source resumes.</summary>
    public long LowMark { get; }

    /// <summary>True between a pause and the next resume.</summary>
    public bool IsPaused => _paused;

    /// <summary>Times the source paused.</summary>
    public long Pauses => Volatile.Read(ref _pauses);

    /// <summary>Times the source resumed.</summary>
    public long Resumes => Volatile.Read(ref _resumes);

    /// <summary>Events this source put into the ring.</summary>
    public long Published => Volatile.Read(ref _published);

    /// <summary>Events held for conflation, not yet published.</summary>
    public abstract int Pending { get; }

    /// <summary>
    /// Time the source spent paused — from reaching the high mark to falling back to the low mark, the
    /// current pause included. A full ring (refusals, waits under <see cref="OverflowPolicy.Wait"/>) is
    /// always within a pause, since the high mark is at most the capacity.
    /// </summary>
    public TimeSpan BackPressuredTime
    {
        get
        {
            lock (_signalLock)
            {
                long ongoing = _paused ? Stopwatch.GetTimestamp() - _pausedSince : 0;
                return Stopwatch.GetElapsedTime(0, _pausedTicks + ongoing);
            }
        }
    }

    /// <summary>Events of this source not accepted, for one reason.</summary>
    public long GetDropped(DropReason reason) => Volatile.Read(ref _dropped[(int)reason]);

    /// <summary>Events of this source not accepted, for every reason.</summary>
    public long TotalDropped
    {
        get
        {
            long total = 0;
            for (int i = 0; i < _dropped.Length; i++)
            {
                total += Volatile.Read(ref _dropped[i]);
            }

            return total;
        }
    }

    /// <summary>The sequencer of the ring this source publishes into.</summary>
    internal Sequencer Sequencer { get; }

    /// <summary>
    /// Completes when the source is not paused — at once if it is not, else when occupancy falls to the low
    /// mark — with <c>true</c>, or with <c>false</c> once the ring is closed. One wait at a time per source;
    /// no allocation per wait (a reusable value-task source); the continuation runs on the thread pool.
    /// </summary>
    public ValueTask<bool> WaitForCapacityAsync(CancellationToken cancellationToken = default)
    {
        if (Sequencer.IsClosed)
        {
            return new ValueTask<bool>(false);
        }

        if (!_paused)
        {
            if (Sequencer.Occupancy < HighMark)
            {
                return new ValueTask<bool>(true);
            }

            PauseSlow();
        }

        cancellationToken.ThrowIfCancellationRequested();
        lock (_signalLock)
        {
            if (!_paused)
            {
                return new ValueTask<bool>(true);
            }

            ValueTask<bool> wait = _waiter.Arm(cancellationToken);
            if (Sequencer.IsClosed)
            {
                _waiter.TryComplete(false);
            }

            return wait;
        }
    }

    /// <summary>Leaves the ring's flow control (metrics stop listing the source). Held conflation values are discarded and counted as <see cref="DropReason.Closed"/>.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        DiscardPending();
        lock (_signalLock)
        {
            if (_paused)
            {
                _paused = false;
                _pausedTicks += Stopwatch.GetTimestamp() - _pausedSince;
                _hub.RemoveWaiter();
            }

            _waiter.TryComplete(false);
        }

        _hub.Unregister(this);
        GC.SuppressFinalize(this);
    }

    /// <summary>Discards held values, counting them as closed.</summary>
    private protected abstract void DiscardPending();

    /// <summary>Producer thread: after publishing up to <paramref name="high"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private protected void AfterPublish(long high, int count)
    {
        _published += count;

        // Occupancy estimate: the cached minimum only lags, so the estimate only over-states; read the
        // real gating sequences only when the estimate reaches the mark.
        if (high - _cachedMinimum >= HighMark && !_paused)
        {
            CheckHighSlow(high);
        }
    }

    /// <summary>Producer thread: counts one event not accepted and returns the code the caller sees.</summary>
    private protected PublishResult Drop(DropReason reason, long count = 1)
    {
        _dropped[(int)reason] += count;
        return reason switch
        {
            DropReason.Rejected or DropReason.TimedOut => PublishResult.BackPressured,
            DropReason.Closed => PublishResult.Closed,
            _ => PublishResult.Dropped,
        };
    }

    /// <summary>Producer thread: an offer found no room.</summary>
    private protected void OnFull()
    {
        if (!_paused)
        {
            PauseSlow();
        }
    }

    /// <summary>Producer thread: whether this offer is the one in N kept while paused.</summary>
    private protected bool KeepSample(int every) => ++_sampleCount % every == 0;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void CheckHighSlow(long high)
    {
        _cachedMinimum = Sequencer.MinimumGatingSequence(high);
        if (high - _cachedMinimum >= HighMark)
        {
            PauseSlow();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void PauseSlow()
    {
        lock (_signalLock)
        {
            if (_paused || Volatile.Read(ref _disposed) != 0 || Sequencer.Occupancy < HighMark)
            {
                return;
            }

            _paused = true;
            _pausedSince = Stopwatch.GetTimestamp();
            _sampleCount = 0;
            Volatile.Write(ref _pauses, _pauses + 1);

            // Full fence; pairs with the stages' load of the waiter count after they release (FlowHub remarks).
            _hub.AddWaiter();
            _onPause?.Invoke();
        }

        // The consumers may have drained everything before the waiter count went up.
        TryResume();
    }

    /// <summary>Any thread: resumes if paused and occupancy is at or below the low mark.</summary>
    internal void TryResume()
    {
        if (!_paused || PublishedOccupancy() > LowMark)
        {
            return;
        }

        lock (_signalLock)
        {
            if (!_paused || PublishedOccupancy() > LowMark)
            {
                return;
            }

            _paused = false;
            _pausedTicks += Stopwatch.GetTimestamp() - _pausedSince;
            Volatile.Write(ref _resumes, _resumes + 1);
            _hub.RemoveWaiter();
            _onResume?.Invoke();
            _waiter.TryComplete(true);
        }
    }

    /// <summary>
    /// Occupancy as the stages see it: published (cursor) minus the slowest gating sequence. Stages call
    /// this while a source is paused, so it reads only lines they read anyway; the claimed sequence of a
    /// single producer lives on the producer's private cache line, which a read from a stage would make
    /// bounce on every batch. It differs from <see cref="Sequencing.Sequencer.Occupancy"/> only by slots
    /// claimed and not yet published (none between two offers of a source).
    /// </summary>
    private long PublishedOccupancy()
    {
        long cursor = Sequencer.Cursor.ValueAcquire;
        return cursor - Sequencer.MinimumGatingSequence(cursor);
    }

    /// <summary>The ring closed: a capacity wait completes with false.</summary>
    internal void OnRingClosed()
    {
        lock (_signalLock)
        {
            _waiter.TryComplete(false);
        }
    }
}

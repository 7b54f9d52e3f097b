using LowLatency.Engine.Sequencing;

namespace LowLatency.Engine.Flow;

/// <summary>
/// Flow control of one ring: the sources that publish into it, and the wake-up path from stages to the
/// sources that are paused or wait for capacity.
/// </summary>
/// <remarks>
/// <para>The hub attaches to the ring's <see cref="CapacitySignal"/> (Sequencing knows nothing of flow
/// control): stages read its waiter count once per batch after releasing their sequence and, only when a
/// source is paused, call into the hub, which lets each paused source re-check occupancy against its low
/// mark. Nobody paused: one load per batch, nothing else.</para>
/// <para>Lost wake-ups: a source increments <c>_waiters</c> (full fence) and then re-reads occupancy; a
/// stage release-stores its sequence and then loads <c>_waiters</c> without a fence, so the stage's load
/// may be ordered before its store and both sides can miss each other. Rather than a fence per batch on
/// the hot path, a backstop timer re-checks every <see cref="BackstopPeriod"/> while a source is paused:
/// that race costs at most a millisecond of resume latency, never liveness.</para>
/// </remarks>
internal sealed class FlowHub : ICapacityListener
{
    private static readonly TimeSpan s_backstopPeriod = TimeSpan.FromMilliseconds(1);

    private readonly Sequencer _sequencer;
    private readonly CapacitySignal _signal;
    // A monitor, not System.Threading.Lock, for the reason given on EventSource's lock: a producer's
    // first pause can contend with the backstop timer here.
    private readonly object _lock = new();

    // Replaced (copy-on-write) under _lock when sources come and go; read by stages on the slow path,
    // by the backstop timer and by metrics.
    private volatile EventSource[] _sources = [];

    // Created with the first source, armed while any source is paused (until a tick finds none),
    // disposed when the ring closes; guarded by _lock, like _armed and _closed.
    private ITimer? _backstop;
    private bool _armed;
    private bool _closed;

    private FlowHub(Sequencer sequencer)
    {
        _sequencer = sequencer;
        _signal = sequencer.Capacity;
    }

    /// <summary>The hub of <paramref name="sequencer"/>'s ring, attached on first use.</summary>
    public static FlowHub Of(Sequencer sequencer) =>
        sequencer.Capacity.Listener as FlowHub ?? (FlowHub)sequencer.Capacity.Attach(new FlowHub(sequencer));

    /// <summary>The sources publishing into <paramref name="sequencer"/>'s ring (none before a hub attached).</summary>
    public static ReadOnlySpan<EventSource> SourcesOf(Sequencer sequencer) =>
        sequencer.Capacity.Listener is FlowHub hub ? hub.Sources : [];

    /// <summary>How often a paused source is re-checked even if no stage wakes it.</summary>
    public static TimeSpan BackstopPeriod => s_backstopPeriod;

    /// <summary>The ring's sequencer.</summary>
    public Sequencer Sequencer => _sequencer;

    /// <summary>The sources publishing into this ring.</summary>
    public ReadOnlySpan<EventSource> Sources => _sources;

    /// <summary>True while at least one source is paused (one plain load).</summary>
    public bool HasWaiters => _signal.HasWaiters;

    public void Register(EventSource source)
    {
        lock (_lock)
        {
            if (_sequencer is SingleProducerSequencer && _sources.Length > 0)
            {
                ThrowHelper.ThrowInvalidOperation(
                    $"A single-producer ring takes one source ('{_sources[0].Name}' exists); create the pipeline with ProducerType.Multi for several.");
            }

            _sources = [.. _sources, source];

            // Created with the first source, so a source's first pause allocates nothing. Armed far out
            // and disarmed once here: the first arming of a timer in a process starts the runtime's timer
            // machinery (about a kilobyte), which belongs at setup, not on a producer's first pause.
            if (!_closed && !_sequencer.IsClosed && _backstop is null)
            {
                _backstop = TimeProvider.System.CreateTimer(static state => ((FlowHub)state!).OnBackstop(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                _backstop.Change(TimeSpan.FromHours(1), Timeout.InfiniteTimeSpan);
                _backstop.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }
        }
    }

    public void Unregister(EventSource source)
    {
        lock (_lock)
        {
            _sources = Array.FindAll(_sources, s => !ReferenceEquals(s, source));
        }
    }

    /// <summary>A source paused: stages now notify after each batch, and the backstop runs.</summary>
    public void AddWaiter()
    {
        if (_signal.AddWaiter() == 1)
        {
            lock (_lock)
            {
                // Left armed until a tick finds nobody paused: frequent pause/resume cycles do not
                // re-arm the timer (a timer-queue lock) every time.
                if (!_armed && _backstop is not null)
                {
                    _backstop.Change(s_backstopPeriod, s_backstopPeriod);
                    _armed = true;
                }
            }
        }
    }

    /// <summary>A source resumed.</summary>
    public void RemoveWaiter() => _signal.RemoveWaiter();

    /// <summary>A stage advanced while a source is paused: let each paused source re-check its low mark.</summary>
    public void OnProgress()
    {
        foreach (EventSource source in _sources)
        {
            if (source.IsPaused)
            {
                source.TryResume();
            }
        }
    }

    /// <summary>The ring closed: release every source's capacity wait (with false), and retire the backstop.</summary>
    /// <remarks>A closed ring never needs it: its draining stages still notify, and nothing waits for room any more.</remarks>
    public void OnClosed()
    {
        lock (_lock)
        {
            _backstop?.Dispose();
            _backstop = null;
            _armed = false;
            _closed = true;
        }

        foreach (EventSource source in _sources)
        {
            source.OnRingClosed();
        }
    }

    private void OnBackstop()
    {
        OnProgress();
        if (!HasWaiters)
        {
            lock (_lock)
            {
                if (!HasWaiters && _armed)
                {
                    _backstop?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                    _armed = false;
                }
            }
        }
    }
}

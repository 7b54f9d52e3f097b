using System.Runtime.CompilerServices;

namespace LowLatency.Engine.Sequencing;

/// <summary>
/// How a ring's consumers tell whoever waits for capacity that they moved on, without knowing who that is:
/// producers parked in a claim, and the flow-control layer above (paused sources), which attaches as the listener.
/// </summary>
/// <remarks>
/// <para>Consumers read <see cref="HasWaiters"/> once per batch after releasing their sequence and call
/// <see cref="NotifyProgressSlow"/> only while someone waits: nobody waiting costs one load per batch.</para>
/// <para>A waiter registers with a full fence and then re-checks capacity; a consumer release-stores its
/// sequence and then loads <see cref="HasWaiters"/> without a fence, so the two can miss each other. Rather
/// than a fence per batch on the hot path, every wait is bounded: a parked producer re-checks after
/// <see cref="ParkTimeoutMilliseconds"/>, and the listener has its own backstop (see <c>Flow.FlowHub</c>).
/// That race costs at most a millisecond, never liveness.</para>
/// </remarks>
internal sealed class CapacitySignal
{
    /// <summary>The longest a parked producer sleeps before it re-checks capacity on its own.</summary>
    public const int ParkTimeoutMilliseconds = 1;

    // Interlocked by whoever starts or stops waiting; read by every consumer after each batch.
    private int _waiters;

    // The lowest sequence a parked producer waits for a consumer to release, or long.MaxValue: lowered
    // (Interlocked) by producers about to park, read by consumers on the slow path, reset under _parkLock by
    // whoever wakes them.
    private long _wakeAt = long.MaxValue;

    // Incremented under _parkLock at every wake. A producer parks only if the count is what it was before
    // its last capacity check, so a wake between that check and the park is not lost.
    private long _wakeups;

    // Parked producers wait on this monitor (rare: the ring stayed full through spinning and yielding).
    private readonly object _parkLock = new();

    // Set once (compare-and-set) by the first listener to attach; read on the slow paths.
    private ICapacityListener? _listener;

    /// <summary>True while anyone waits (one plain load).</summary>
    public bool HasWaiters
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Volatile.Read(ref _waiters) != 0;
    }

    /// <summary>How many times consumers (or the close) woke parked producers.</summary>
    public long WakeCount => Volatile.Read(ref _wakeups);

    /// <summary>The attached listener, if any.</summary>
    public ICapacityListener? Listener => Volatile.Read(ref _listener);

    /// <summary>Attaches <paramref name="listener"/> unless one already is; returns the one attached.</summary>
    public ICapacityListener Attach(ICapacityListener listener) =>
        Interlocked.CompareExchange(ref _listener, listener, null) ?? listener;

    /// <summary>Someone starts waiting (full fence); returns how many wait now.</summary>
    public int AddWaiter() => Interlocked.Increment(ref _waiters);

    /// <summary>Someone stopped waiting.</summary>
    public void RemoveWaiter() => Interlocked.Decrement(ref _waiters);

    /// <summary>
    /// A producer is about to park until a consumer releases <paramref name="wakeAt"/>: registers it (full
    /// fence) and returns the ticket for <see cref="Park"/>. Re-check capacity after this, then park or
    /// call <see cref="EndPark"/>.
    /// </summary>
    public long BeginPark(long wakeAt)
    {
        long ticket = Volatile.Read(ref _wakeups);
        long seen = Volatile.Read(ref _wakeAt);
        while (wakeAt < seen)
        {
            long prior = Interlocked.CompareExchange(ref _wakeAt, wakeAt, seen);
            if (prior == seen)
            {
                break;
            }

            seen = prior;
        }

        AddWaiter();
        return ticket;
    }

    /// <summary>Parks the producer unless a wake came since <see cref="BeginPark"/>; at most <see cref="ParkTimeoutMilliseconds"/>.</summary>
    public void Park(long ticket)
    {
        lock (_parkLock)
        {
            if (_wakeups == ticket)
            {
                Monitor.Wait(_parkLock, ParkTimeoutMilliseconds);
            }
        }
    }

    /// <summary>The producer stopped waiting.</summary>
    public void EndPark() => RemoveWaiter();

    /// <summary>A consumer released <paramref name="released"/> while someone waits.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void NotifyProgressSlow(long released)
    {
        if (released >= Volatile.Read(ref _wakeAt))
        {
            WakeParked();
        }

        Listener?.OnProgress();
    }

    /// <summary>The ring closed: wake parked producers (they find it closed) and the listener's waits.</summary>
    public void OnClosed()
    {
        WakeParked();
        Listener?.OnClosed();
    }

    private void WakeParked()
    {
        lock (_parkLock)
        {
            _wakeAt = long.MaxValue;
            _wakeups++;
            Monitor.PulseAll(_parkLock);
        }
    }
}

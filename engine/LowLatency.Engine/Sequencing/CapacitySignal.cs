using System.Runtime.CompilerServices;

namespace LowLatency.Engine.Sequencing;

/// <summary>
/// How a ring's consumers tell whoever waits for capacity that they moved on, without knowing who that is:
/// the flow-control layer above (paused sources, capacity waits) attaches as the listener.
/// </summary>
/// <remarks>
/// Consumers read <see cref="HasWaiters"/> once per batch after releasing their sequence and call
/// <see cref="NotifyProgressSlow"/> only while someone waits: nobody waiting costs one load per batch.
/// The ordering between a waiter's registration and a consumer's release is the listener's to handle
/// (see <c>Flow.FlowHub</c>: a full fence on the waiter's side and a backstop timer).
/// </remarks>
internal sealed class CapacitySignal
{
    // Interlocked by whoever starts or stops waiting; read by every consumer after each batch.
    private int _waiters;

    // Set once (compare-and-set) by the first listener to attach; read on the slow paths.
    private ICapacityListener? _listener;

    /// <summary>True while anyone waits (one plain load).</summary>
    public bool HasWaiters
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Volatile.Read(ref _waiters) != 0;
    }

    /// <summary>The attached listener, if any.</summary>
    public ICapacityListener? Listener => Volatile.Read(ref _listener);

    /// <summary>Attaches <paramref name="listener"/> unless one already is; returns the one attached.</summary>
    public ICapacityListener Attach(ICapacityListener listener) =>
        Interlocked.CompareExchange(ref _listener, listener, null) ?? listener;

    /// <summary>Someone starts waiting (full fence); returns how many wait now.</summary>
    public int AddWaiter() => Interlocked.Increment(ref _waiters);

    /// <summary>Someone stopped waiting.</summary>
    public void RemoveWaiter() => Interlocked.Decrement(ref _waiters);

    /// <summary>A consumer advanced while someone waits.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void NotifyProgressSlow() => Listener?.OnProgress();

    /// <summary>The ring closed.</summary>
    public void OnClosed() => Listener?.OnClosed();
}

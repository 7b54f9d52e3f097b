using System.Threading.Tasks.Sources;

namespace LowLatency.Engine.Flow;

/// <summary>
/// The one reusable wait of a source for capacity: an <see cref="IValueTaskSource{TResult}"/> re-armed
/// for each wait, so awaiting capacity allocates neither a Task nor a ValueTask box.
/// </summary>
/// <remarks>
/// <para>States: idle (0) → armed (1) by the owner under the source's lock; armed → completing (2) by
/// whichever thread resumes, closes or cancels first (compare-and-set, so exactly one wins); completing →
/// idle when the awaiter takes the result. The winner completes the wait itself, and the core runs
/// continuations asynchronously: an awaiting edge continues on a pool thread (an async method's
/// continuation is queued without allocating), never on the stage thread that resumed it, and a wait
/// nobody awaits yet (polled, or awaited later) completes without touching the thread pool at all.</para>
/// <para>Why not queue the completion itself as a work item: the pool retires idle workers, and the thread
/// that queues work when none is left starts one, allocating its <see cref="Thread"/> (136 bytes) — on
/// the stage or poller thread that resumed the source, whether or not anyone awaited. Only a real
/// continuation pays that now, and only when the pool has to grow.</para>
/// </remarks>
internal sealed class CapacityWaiter : IValueTaskSource<bool>
{
    private const int Idle = 0;
    private const int Armed = 1;
    private const int Completing = 2;

    // Mutable struct on purpose (its version and continuation change in place): never readonly, never copied.
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };

    // See remarks for who moves it.
    private int _state;

    // Written by the owner in Arm; read by whoever completes the wait.
    private CancellationToken _token;
    private CancellationTokenRegistration _registration;

    public bool IsArmed => Volatile.Read(ref _state) == Armed;

    /// <summary>Starts a wait. One at a time per source: await each before the next.</summary>
    public ValueTask<bool> Arm(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _state, Armed, Idle) != Idle)
        {
            ThrowHelper.ThrowInvalidOperation("This source already has a capacity wait in progress; await it before waiting again.");
        }

        _core.Reset();
        _token = cancellationToken;
        _registration = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static (state, _) => ((CapacityWaiter)state!).Cancel(), this)
            : default;
        return new ValueTask<bool>(this, _core.Version);
    }

    /// <summary>Completes an armed wait with <paramref name="result"/> (true: capacity; false: closed). No-op otherwise.</summary>
    public void TryComplete(bool result)
    {
        if (Interlocked.CompareExchange(ref _state, Completing, Armed) == Armed)
        {
            Complete(result, canceled: false);
        }
    }

    private void Cancel()
    {
        if (Interlocked.CompareExchange(ref _state, Completing, Armed) == Armed)
        {
            Complete(result: false, canceled: true);
        }
    }

    /// <summary>Called once per wait, by the winner of Armed → Completing.</summary>
    private void Complete(bool result, bool canceled)
    {
        // Unregister does not wait for a running callback, so the cancellation callback may call it too.
        _registration.Unregister();
        _registration = default;
        if (canceled)
        {
            _core.SetException(new OperationCanceledException(_token));
        }
        else
        {
            _core.SetResult(result);
        }
    }

    bool IValueTaskSource<bool>.GetResult(short token)
    {
        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            Volatile.Write(ref _state, Idle);
        }
    }

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}

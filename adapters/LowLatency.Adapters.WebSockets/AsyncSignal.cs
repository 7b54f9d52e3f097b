using System.Threading.Tasks.Sources;

namespace LowLatency.Adapters.WebSockets;

/// <summary>
/// A reusable wake-up for one waiter (a connection's send loop): <see cref="Set"/> from any thread, at most once
/// per <see cref="WaitAsync"/>; no allocation per wait. The continuation runs on the thread pool, never on the
/// setter's thread, so the fan-out thread never runs socket code.
/// </summary>
internal sealed class AsyncSignal : IValueTaskSource
{
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };

    /// <summary>Waits for the next <see cref="Set"/>; call again only after the previous wait completed.</summary>
    public ValueTask WaitAsync() => new(this, _core.Version);

    /// <summary>Completes the pending (or next) wait. The caller guarantees one Set per wait (a scheduled flag under the connection's lock).</summary>
    public void Set() => _core.SetResult(true);

    void IValueTaskSource.GetResult(short token)
    {
        _core.GetResult(token);
        _core.Reset();
    }

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}

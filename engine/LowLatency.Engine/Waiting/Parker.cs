namespace LowLatency.Engine.Waiting;

/// <summary>
/// Puts threads to sleep on a generation word and wakes them all. A waiter reads <see cref="Generation"/>,
/// re-checks its condition, then calls <see cref="Wait"/> with the generation it read: the wait returns at
/// once if a <see cref="WakeAll"/> bumped the generation in between, so no wake-up is lost.
/// </summary>
internal abstract class Parker
{
    /// <summary>The current generation (acquire).</summary>
    public abstract int Generation { get; }

    /// <summary>The best parker for this platform: a futex on Linux, a monitor elsewhere.</summary>
    public static Parker Create() => FutexParker.IsSupported ? new FutexParker() : new MonitorParker();

    /// <summary>Sleeps while the generation is <paramref name="generation"/>, for at most <paramref name="timeoutMilliseconds"/>.</summary>
    public abstract void Wait(int generation, int timeoutMilliseconds);

    /// <summary>Bumps the generation and wakes every sleeper.</summary>
    public abstract void WakeAll();
}

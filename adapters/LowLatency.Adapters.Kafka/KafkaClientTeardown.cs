using System.Runtime.ExceptionServices;

namespace LowLatency.Adapters.Kafka;

/// <summary>
/// Runs a librdkafka teardown call (a consumer's close, a client's dispose, a producer's flush-and-dispose) within
/// a bound. librdkafka gives these calls none: its destroy joins the client's internal threads, and rare hangs of
/// that join are reported against librdkafka 2.x. A stop must not inherit such a hang (two Kafka tests under a CPU
/// hog saw a process report caught up and then never finish), so past the bound the call is abandoned on its own
/// background thread, which ends with the process, and the caller carries on knowing it.
/// </summary>
public static class KafkaClientTeardown
{
    /// <summary>
    /// The bound a teardown gets unless its owner has its own option (<see cref="KafkaSourceOptions.CloseTimeout"/>):
    /// long enough for a close that commits and leaves its group on a slow broker, short enough that a stop never hangs.
    /// </summary>
    public static TimeSpan DefaultBound { get; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Runs <paramref name="teardown"/> on a background thread named <paramref name="what"/> and waits at most
    /// <paramref name="bound"/>. Returns true when it returned in time (rethrowing what it threw), false when it
    /// was abandoned.
    /// </summary>
    /// <param name="teardown">The teardown; it must not need the calling thread.</param>
    /// <param name="bound">How long to wait for it.</param>
    /// <param name="what">What it tears down, as the thread's name (seen in a stack dump of a process it held).</param>
    public static bool TryRun(Action teardown, TimeSpan bound, string what)
    {
        ArgumentNullException.ThrowIfNull(teardown);
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                teardown();
            }
            catch (Exception e)
            {
                failure = ExceptionDispatchInfo.Capture(e);
            }
        })
        {
            IsBackground = true,
            Name = what,
        };
        thread.Start();
        if (!thread.Join(bound))
        {
            return false;
        }

        failure?.Throw(); // the join is the happens-before edge for the capture
        return true;
    }
}

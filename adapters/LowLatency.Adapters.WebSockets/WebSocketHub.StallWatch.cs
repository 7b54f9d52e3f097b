using System.Diagnostics;

namespace LowLatency.Adapters.WebSockets;

/// <summary>
/// The hub's stall watch (<see cref="WebSocketHubOptions.IdleTimeout"/>): one timer for every connection looks at
/// when each one's frame in flight began, instead of a cancellation timer armed and disarmed around every send.
/// </summary>
/// <remarks>
/// A timer per send (<c>CancellationTokenSource.CancelAfter</c>, then <c>TryReset</c>) took the runtime's timer-queue
/// lock twice per frame, on every send loop, for a limit that fires about never. The watch reads one timestamp per
/// connection every quarter of the timeout, so a client that reads nothing is aborted between one and one and a
/// quarter timeouts after its frame began.
/// </remarks>
public sealed partial class WebSocketHub
{
    // Stall watch only: the periodic timer, started by Start and disposed by DisposeAsync.
    private Timer? _stallWatch;

    private void StartStallWatch()
    {
        // At least a millisecond: a timer's period rounds to whole milliseconds, and 0 would fire only once.
        TimeSpan period = TimeSpan.FromTicks(Math.Max(Options.IdleTimeout.Ticks / 4, TimeSpan.TicksPerMillisecond));
        _stallWatch = new Timer(static hub => ((WebSocketHub)hub!).AbortStalled(), this, period, period);
    }

    private void StopStallWatch() => _stallWatch?.Dispose();

    private void AbortStalled()
    {
        long now = Stopwatch.GetTimestamp();
        long limit = (long)(Options.IdleTimeout.TotalSeconds * Stopwatch.Frequency);
        foreach (LiveConnection connection in _connections)
        {
            connection.AbortIfStalled(now, limit);
        }
    }
}

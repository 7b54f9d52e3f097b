using System.Diagnostics;

namespace LowLatency.Adapters.WebSockets;

/// <summary>
/// The hub's pacing clock (<see cref="WebSocketHubOptions.MinFrameInterval"/>): one timer for every connection
/// instead of one per connection. A paced send loop sends at most one update frame per tick; one that already sent
/// in this tick lists itself, and the tick wakes the whole list at once.
/// </summary>
/// <remarks>
/// A timer per connection fired 20 times a second per client, each firing a thread-pool work item that then
/// scheduled the loop's continuation: two dispatches per frame, spread evenly over time, so thread-pool workers woke,
/// spun and parked again for nearly every frame. One tick wakes the listed loops in one burst that the workers take
/// back to back.
/// </remarks>
public sealed partial class WebSocketHub
{
    // Send loops waiting for the next tick, under _waitLock (LiveConnection.TickListed too); swapped out by each tick.
    private List<LiveConnection> _ticking = [];
    private List<LiveConnection> _tickWaking = [];

    // Ticks so far: written by the pacer under _waitLock (Volatile.Write), read by send loops (Volatile.Read).
    private long _tick;

    // Pacer only: the one-shot timer (rescheduled by each tick, so ticks never overlap) and when the next tick is due.
    private Timer? _pacer;
    private long _nextTick;

    /// <summary>Ticks of the pacing clock so far (0 when frames are not paced).</summary>
    internal long Tick => Volatile.Read(ref _tick);

    /// <summary>True when frames are paced (<see cref="WebSocketHubOptions.MinFrameInterval"/> &gt; 0).</summary>
    internal bool Paced => _pacer is not null;

    private void StartPacer()
    {
        if (Options.MinFrameInterval > TimeSpan.Zero)
        {
            _nextTick = Stopwatch.GetTimestamp() + TicksOf(Options.MinFrameInterval);
            _pacer = new Timer(static hub => ((WebSocketHub)hub!).OnTick(), this, Options.MinFrameInterval, Timeout.InfiniteTimeSpan);
        }
    }

    private void StopPacer() => _pacer?.Dispose();

    /// <summary>
    /// Send loop, before it waits for the next tick: false when the clock is already past <paramref name="tick"/>;
    /// otherwise lists <paramref name="connection"/> to be woken (<see cref="LiveConnection.Wake"/>) by the next tick.
    /// </summary>
    internal bool TryWaitForTick(LiveConnection connection, long tick)
    {
        lock (_waitLock)
        {
            if (_tick != tick)
            {
                return false;
            }

            if (!connection.TickListed)
            {
                connection.TickListed = true;
                _ticking.Add(connection);
            }

            return true;
        }
    }

    private void OnTick()
    {
        WakeListed(ref _ticking, ref _tickWaking, tick: true);

        // On the clock, not after the work: the ticks keep their period however long a burst takes. A tick late by more
        // than a period (a busy box) starts the clock again from now rather than catching up in a burst.
        long now = Stopwatch.GetTimestamp();
        long period = TicksOf(Options.MinFrameInterval);
        _nextTick += period;
        if (_nextTick <= now)
        {
            _nextTick = now + period;
        }

        if (!_stopping)
        {
            try
            {
                _pacer?.Change(TimeSpan.FromSeconds((double)(_nextTick - now) / Stopwatch.Frequency), Timeout.InfiniteTimeSpan);
            }
            catch (ObjectDisposedException)
            {
                // Disposed by StopPacer between the check and the change: no more ticks are wanted.
            }
        }
    }

    private static long TicksOf(TimeSpan interval) => (long)(interval.TotalSeconds * Stopwatch.Frequency);
}

using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace LowLatency.Engine.Waiting;

/// <summary>
/// A lazily started timeout: the clock is read only once waiting has gone on for a while, and then only
/// every <see cref="CheckEvery"/> calls, so spinning strategies do not pay a clock read per spin.
/// </summary>
/// <remarks>Mutable struct on purpose; keep it in a local.</remarks>
internal struct WaitDeadline
{
    private const int CheckEvery = 64;
    private readonly long _timeoutTicks;
    private long _deadline;
    private int _calls;

    public WaitDeadline(long timeoutTicks) => _timeoutTicks = timeoutTicks;

    public readonly long TimeoutTicks => _timeoutTicks;

    /// <summary>True when the timeout has elapsed; <paramref name="force"/> reads the clock now.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool HasExpired(bool force = false)
    {
        if (_timeoutTicks == 0 || (!force && (++_calls % CheckEvery) != 0))
        {
            return false;
        }

        long now = Stopwatch.GetTimestamp();
        if (_deadline == 0)
        {
            _deadline = now + _timeoutTicks;
            return false;
        }

        return now >= _deadline;
    }

    /// <summary>Milliseconds left, for timed parks (at least 1, at most <paramref name="cap"/>).</summary>
    public int RemainingMilliseconds(int cap)
    {
        if (_timeoutTicks == 0)
        {
            return cap;
        }

        long now = Stopwatch.GetTimestamp();
        if (_deadline == 0)
        {
            _deadline = now + _timeoutTicks;
        }

        long ms = (_deadline - now) * 1000 / Stopwatch.Frequency;
        return (int)Math.Clamp(ms, 0, cap);
    }
}

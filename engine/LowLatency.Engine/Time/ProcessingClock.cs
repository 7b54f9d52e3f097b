namespace LowLatency.Engine.Time;

/// <summary>
/// Processing time in host ticks since the Unix epoch, from an injected <see cref="TimeProvider"/>.
/// Stages read it once per batch; the engine never reads the system clock directly.
/// </summary>
public sealed class ProcessingClock
{
    private readonly TimeProvider _timeProvider;
    private readonly long _ticksPerSecond;

    /// <summary>Creates a clock over <paramref name="timeProvider"/> in units of 1 / <paramref name="ticksPerSecond"/> s.</summary>
    public ProcessingClock(TimeProvider timeProvider, long ticksPerSecond = TicksPerSecondNanoseconds)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (ticksPerSecond is < 1 or > TicksPerSecondNanoseconds)
        {
            ThrowHelper.ThrowOption("ProcessingClock.ticksPerSecond", ticksPerSecond, "must be between 1 and 10^9.");
        }

        _timeProvider = timeProvider;
        _ticksPerSecond = ticksPerSecond;
    }

    /// <summary>Nanosecond ticks: the recommended resolution.</summary>
    public const long TicksPerSecondNanoseconds = 1_000_000_000;

    /// <summary>Host ticks per second.</summary>
    public long TicksPerSecond => _ticksPerSecond;

    /// <summary>Now, in host ticks since the Unix epoch.</summary>
    public long Now()
    {
        long dotnetTicks = _timeProvider.GetUtcNow().UtcTicks - DateTime.UnixEpoch.Ticks;
        return _ticksPerSecond == TicksPerSecondNanoseconds
            ? dotnetTicks * 100
            : (long)((Int128)dotnetTicks * _ticksPerSecond / TimeSpan.TicksPerSecond);
    }
}

using System.Diagnostics;
using LowLatency.Engine.Sequencing;

namespace LowLatency.Engine.Waiting;

/// <summary>
/// Like <see cref="YieldingWaitStrategy"/>, but once caught up it re-checks the cursor only every
/// <c>pollInterval</c> (default 2 µs) instead of continuously: the throughput strategy for saturated rings.
/// </summary>
/// <remarks>
/// A consumer that polls continuously stays right behind the producer and reads each slot line and the cursor
/// while the producer is still writing them, so every few events a cache line crosses between the cores and
/// both threads stall on it. Pausing between checks lets the producer run a few hundred events ahead on lines
/// only it touches; the consumer then takes them as one batch. The price is up to one interval of wake-up
/// latency for an event that arrives while the consumer waits. After <see cref="PacedChecks"/> checks the
/// consumer yields its core between checks, as <see cref="YieldingWaitStrategy"/> does.
/// </remarks>
public sealed class BackoffWaitStrategy : IWaitStrategy
{
    /// <summary>How many paced checks run before the strategy starts yielding between checks.</summary>
    public const int PacedChecks = 50;

    /// <summary>The pause between checks when none is given: 2 µs.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMicroseconds(2);

    /// <summary>The longest pause allowed: 1 ms (longer, and <see cref="SleepingWaitStrategy"/> fits better).</summary>
    public static readonly TimeSpan MaxInterval = TimeSpan.FromMilliseconds(1);

    private readonly long _intervalTicks;

    /// <summary>Creates the strategy.</summary>
    /// <param name="pollInterval">Pause between checks while caught up; <see cref="DefaultInterval"/> when null.
    /// Must be positive and at most <see cref="MaxInterval"/>.</param>
    public BackoffWaitStrategy(TimeSpan? pollInterval = null)
    {
        TimeSpan interval = pollInterval ?? DefaultInterval;
        CheckInterval(interval, "BackoffWaitStrategy.PollInterval");
        PollInterval = interval;
        _intervalTicks = Math.Max(1, (long)(interval.TotalSeconds * Stopwatch.Frequency));
    }

    /// <summary>A shared instance with <see cref="DefaultInterval"/> (the strategy has no mutable state).</summary>
    public static BackoffWaitStrategy Instance { get; } = new();

    /// <summary>The pause between checks while caught up.</summary>
    public TimeSpan PollInterval { get; }

    /// <inheritdoc/>
    public bool IsBlocking => false;

    /// <summary>Throws, naming <paramref name="option"/>, unless the interval is positive and at most <see cref="MaxInterval"/>.</summary>
    internal static void CheckInterval(TimeSpan interval, string option)
    {
        if (interval <= TimeSpan.Zero || interval > MaxInterval)
        {
            ThrowHelper.ThrowOption(option, interval, "must be positive and at most 1 ms.");
        }
    }

    /// <inheritdoc/>
    public long WaitFor(long sequence, SequenceBarrier barrier) =>
        SpinThenYield.WaitFor(sequence, barrier, PacedChecks, new ClockPause(_intervalTicks));

    /// <inheritdoc/>
    public void SignalAllWhenBlocking()
    {
    }

    // Spins on the clock, not on the cursor: nothing shared is read until the interval is over.
    private readonly struct ClockPause(long ticks) : SpinThenYield.IPause
    {
        public void Pause()
        {
            long until = Stopwatch.GetTimestamp() + ticks;
            do
            {
                Thread.SpinWait(8);
            }
            while (Stopwatch.GetTimestamp() < until);
        }
    }
}

using System.Diagnostics;
using System.Runtime.CompilerServices;
using LowLatency.Engine.Waiting;

namespace LowLatency.Engine.Sequencing;

/// <summary>
/// What a stage waits on: the producer cursor (first stages) or the sequences of the stages it
/// depends on, through a wait strategy, with an optional timeout tick and an alert that ends waiting.
/// </summary>
public sealed class SequenceBarrier
{
    /// <summary>Returned by <see cref="WaitFor"/> when the timeout tick elapsed with nothing new.</summary>
    public const long TimedOut = long.MinValue;

    /// <summary>Returned by <see cref="WaitFor"/> when the barrier was alerted (stop, drain or halt).</summary>
    public const long Alerted = long.MinValue + 1;

    private readonly Sequencer _sequencer;
    private readonly IWaitStrategy _waitStrategy;
    private readonly Sequence[] _dependents;
    private readonly Sequence _single;

    // A multi-producer cursor runs ahead of publication: such a barrier must scan the availability flags.
    // A single-producer cursor is the publication itself, so its barrier skips that (virtual) call.
    private readonly bool _scansPublished;

    private readonly long _timeoutTicks;

    // Written by whoever stops or halts the pipeline; read by the waiting stage in its wait loop.
    private volatile bool _alerted;

    /// <summary>Creates a barrier on <paramref name="dependents"/>, or on the cursor when there are none.</summary>
    public SequenceBarrier(Sequencer sequencer, IWaitStrategy waitStrategy, Sequence[] dependents, TimeSpan? timeoutTick = null)
    {
        _sequencer = sequencer;
        _waitStrategy = waitStrategy;
        bool dependsOnCursor = dependents.Length == 0;
        _dependents = dependsOnCursor ? [sequencer.Cursor] : [.. dependents];
        _single = _dependents[0];
        _scansPublished = dependsOnCursor && sequencer is not SingleProducerSequencer;
        _timeoutTicks = timeoutTick is { } t && t > TimeSpan.Zero && t != Timeout.InfiniteTimeSpan
            ? Math.Max(1, (long)(t.TotalSeconds * Stopwatch.Frequency))
            : 0;
    }

    /// <summary>The timeout tick in <see cref="Stopwatch"/> ticks; 0 means none.</summary>
    public long TimeoutTicks => _timeoutTicks;

    /// <summary>True once alerted: waiting returns <see cref="Alerted"/> until cleared.</summary>
    public bool IsAlerted => _alerted;

    /// <summary>The sequence everything this barrier guards has reached (acquire loads).</summary>
    public long AvailableSequence
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _dependents.Length == 1 ? _single.ValueAcquire : Sequence.Minimum(_dependents);
    }

    /// <summary>The sequencer of the ring this barrier belongs to.</summary>
    public Sequencer Sequencer => _sequencer;

    /// <summary>The cursor of the ring this barrier belongs to.</summary>
    public Sequence Cursor => _sequencer.Cursor;

    /// <summary>
    /// Waits until <paramref name="sequence"/> is available and returns the highest available sequence,
    /// or returns <see cref="TimedOut"/> or <see cref="Alerted"/> (both below any valid sequence).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long WaitFor(long sequence)
    {
        long available = AvailableSequence;
        if (available < sequence)
        {
            available = _waitStrategy.WaitFor(sequence, this);
            if (available < sequence)
            {
                return available;
            }
        }

        return _scansPublished ? _sequencer.GetHighestPublishedSequence(sequence, available) : available;
    }

    /// <summary>
    /// The highest sequence available now, without waiting: at least <paramref name="sequence"/> when it is
    /// available, below it otherwise. For stages that share a thread (they poll, and the thread waits).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long AvailableNow(long sequence)
    {
        long available = AvailableSequence;
        return available >= sequence && _scansPublished ? _sequencer.GetHighestPublishedSequence(sequence, available) : available;
    }

    /// <summary>True when stages must signal their progress (the wait strategy parks consumers).</summary>
    public bool SignalsProgress => _waitStrategy.IsBlocking;

    /// <summary>Wakes consumers parked on this ring's wait strategy (a stage moved its sequence).</summary>
    public void SignalProgress() => _waitStrategy.SignalAllWhenBlocking();

    /// <summary>Ends every current and future wait on this barrier with <see cref="Alerted"/>.</summary>
    public void Alert()
    {
        _alerted = true;
        _waitStrategy.SignalAllWhenBlocking();
    }

    /// <summary>Clears the alert.</summary>
    public void ClearAlert() => _alerted = false;
}

using System.Diagnostics;
using System.Runtime.CompilerServices;
using LowLatency.Engine.Waiting;

namespace LowLatency.Engine.Sequencing;

/// <summary>
/// Hands out ring sequences to producers and makes them visible to consumers.
/// </summary>
/// <remarks>
/// The protocol: a producer claims sequences (<see cref="Next(int)"/>), writes the slots in place, then
/// publishes them with a release store (<see cref="Publish(long)"/>); consumers acquire-load the cursor
/// (or availability flags) before reading a slot. A claim never passes the slowest gating sequence by
/// more than the ring's capacity, so no slot is overwritten before every gating consumer has passed it.
/// Once closed, a sequencer refuses new claims; claims already made can still be published.
/// </remarks>
public abstract class Sequencer
{
    private protected readonly int _bufferSize;
    private protected readonly IWaitStrategy _waitStrategy;

    // Cached once: publishing signals the wait strategy only when a consumer may be parked.
    private protected readonly bool _signalOnPublish;

    // Written by the producer (single) or producers (multi); read by every consumer barrier.
    private protected readonly Sequence _cursor = new();

    // Replaced (never mutated) before Start and when pollers are added; read by producers when a claim nears a wrap.
    private volatile Sequence[] _gatingSequences = [];

    // Written once by Close (any thread); read by producers on their slow paths.
    private volatile bool _closed;
    private volatile Exception? _closeFault;

    // Set once by PipelineMetrics.Attach before producers start (the thread start that follows publishes
    // it); read by producers on every publish. Null while latency stamping is off: one predictable branch.
    private protected LatencyStamps? _stamps;

    // Stopwatch ticks producers spent blocked in Next for lack of capacity. Added (Interlocked) by
    // producers on their slow path only; read by metrics.
    private long _blockedTicks;

    private protected Sequencer(int bufferSize, IWaitStrategy waitStrategy)
    {
        if (bufferSize < 1 || !int.IsPow2(bufferSize))
        {
            ThrowHelper.ThrowOption("Capacity", bufferSize, "must be a power of two ≥ 1.");
        }

        _bufferSize = bufferSize;
        _waitStrategy = waitStrategy;
        _signalOnPublish = waitStrategy.IsBlocking;
    }

    /// <summary>How consumers tell whoever waits for capacity (the flow-control layer) that they moved on.</summary>
    internal CapacitySignal Capacity { get; } = new();

    /// <summary>Latency stamping of published sequences (null when off). Set before producers start.</summary>
    internal LatencyStamps? Stamps
    {
        get => _stamps;
        set => _stamps = value;
    }

    /// <summary>Time producers have spent blocked in <see cref="Next(int)"/> waiting for capacity.</summary>
    public TimeSpan BlockedTime => Stopwatch.GetElapsedTime(0, Volatile.Read(ref _blockedTicks));

    /// <summary>The ring's capacity.</summary>
    public int BufferSize => _bufferSize;

    /// <summary>The producer cursor: highest published sequence (single producer) or highest claimed (multi).</summary>
    public Sequence Cursor => _cursor;

    /// <summary>The wait strategy consumers idle through and publications signal.</summary>
    public IWaitStrategy WaitStrategy => _waitStrategy;

    /// <summary>True once <see cref="Close"/> was called: new claims are refused.</summary>
    public bool IsClosed => _closed;

    /// <summary>The fault that closed the sequencer, if a fault did.</summary>
    public Exception? CloseFault => _closeFault;

    /// <summary>The sequences producers must not lap.</summary>
    public ReadOnlySpan<Sequence> GatingSequences => _gatingSequences;

    /// <summary>Claims the next sequence, waiting for capacity. Throws <see cref="PipelineClosedException"/> when closed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Next() => Next(1);

    /// <summary>Claims <paramref name="n"/> sequences and returns the highest, waiting for capacity.</summary>
    /// <exception cref="PipelineClosedException">The sequencer is closed, or closes while this waits.</exception>
    public abstract long Next(int n);

    /// <summary>Claims <paramref name="n"/> sequences if capacity is there now; never blocks.</summary>
    public abstract PublishResult TryNext(int n, out long highSequence);

    /// <summary>Claims <paramref name="n"/> sequences, waiting at most <paramref name="timeout"/> for capacity.</summary>
    public PublishResult TryNext(int n, TimeSpan timeout, out long highSequence)
    {
        PublishResult result = TryNext(n, out highSequence);
        if (result != PublishResult.BackPressured || timeout <= TimeSpan.Zero)
        {
            return result;
        }

        long deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        var backoff = new ProducerBackoff();
        while (true)
        {
            backoff.Wait();
            result = TryNext(n, out highSequence);
            if (result != PublishResult.BackPressured || Stopwatch.GetTimestamp() >= deadline)
            {
                return result;
            }
        }
    }

    /// <summary>Publishes <paramref name="sequence"/> (release store).</summary>
    public abstract void Publish(long sequence);

    /// <summary>Publishes <paramref name="low"/> through <paramref name="high"/>.</summary>
    public abstract void Publish(long low, long high);

    /// <summary>True when <paramref name="sequence"/> is published and not yet overwritten.</summary>
    public abstract bool IsAvailable(long sequence);

    /// <summary>The highest sequence in [<paramref name="low"/>, <paramref name="available"/>] that is contiguously published.</summary>
    public abstract long GetHighestPublishedSequence(long low, long available);

    /// <summary>Slots free for claiming now.</summary>
    public long RemainingCapacity => _bufferSize - Occupancy;

    /// <summary>Slots claimed or published and not yet released by every gating sequence.</summary>
    public long Occupancy
    {
        get
        {
            long claimed = ClaimedSequence;
            return claimed - MinimumGatingSequence(claimed);
        }
    }

    /// <summary>The highest sequence handed out to a producer so far.</summary>
    public abstract long ClaimedSequence { get; }

    /// <summary>Sets the sequences producers must not lap. Call before producers start.</summary>
    public void SetGatingSequences(params Sequence[] sequences) => _gatingSequences = [.. sequences];

    /// <summary>Adds a gating sequence.</summary>
    public void AddGatingSequence(Sequence sequence) => _gatingSequences = [.. _gatingSequences, sequence];

    /// <summary>Removes a gating sequence (a poller or stage that left).</summary>
    public void RemoveGatingSequence(Sequence sequence) =>
        _gatingSequences = Array.FindAll(_gatingSequences, s => !ReferenceEquals(s, sequence));

    /// <summary>Refuses new claims from now on and wakes blocked producers and consumers.</summary>
    public void Close(Exception? fault = null)
    {
        if (fault is not null)
        {
            _closeFault ??= fault;
        }

        _closed = true;
        _waitStrategy.SignalAllWhenBlocking();
        Capacity.OnClosed();
    }

    /// <summary>Adds producer time spent blocked for capacity (slow path only).</summary>
    private protected void AddBlockedTicks(long ticks) => Interlocked.Add(ref _blockedTicks, ticks);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private protected void SignalIfBlocking()
    {
        if (_signalOnPublish)
        {
            _waitStrategy.SignalAllWhenBlocking();
        }
    }

    /// <summary>The lowest gating sequence, or <paramref name="ceiling"/> if that is lower or nothing gates (acquire loads).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long MinimumGatingSequence(long ceiling) => Sequence.Minimum(_gatingSequences, ceiling);
}

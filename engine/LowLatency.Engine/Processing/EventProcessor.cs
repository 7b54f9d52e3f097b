using System.Runtime.CompilerServices;
using LowLatency.Engine.Sequencing;

namespace LowLatency.Engine.Processing;

/// <summary>
/// One stage of a pipeline: a thread that waits on a barrier, hands events to a handler in sequence order,
/// and advances its own sequence (release) when done with them.
/// </summary>
/// <remarks>
/// The generic subclasses hold the handler as a struct field, so the per-event call is a direct,
/// inlinable call. This base holds what does not depend on the handler: lifecycle, fault policy plumbing
/// and counters.
/// </remarks>
public abstract class EventProcessor
{
    private const int Idle = 0;
    private const int Running = 1;
    private const int Halted = 2;

    private readonly IStageHost _host;
    private readonly bool _signalProgress;
    private readonly CapacitySignal _capacity;

    // Idle → Running (Run, stage thread); Running → Halted (Halt, any thread). Read by the run loop on alerts.
    private int _state;

    // Set by the stage thread as it leaves Run; read by the pipeline to name stuck stages.
    private bool _exited;

    // Written by the stage thread on its fault paths only; read by anyone (counters).
    private long _retries;
    private long _deadLettered;

    private protected EventProcessor(string name, SequenceBarrier barrier, StageOptions options, IStageHost host)
    {
        Name = name;
        Barrier = barrier;
        Options = options;
        _host = host;
        Policy = options.ExceptionPolicy;
        _signalProgress = barrier.SignalsProgress;
        _capacity = barrier.Sequencer.Capacity;
    }

    /// <summary>The stage's name.</summary>
    public string Name { get; }

    /// <summary>The last sequence this stage finished with. Release-stored by the stage thread; gates later stages and producers.</summary>
    public Sequence Sequence { get; } = new();

    /// <summary>The barrier this stage waits on.</summary>
    public SequenceBarrier Barrier { get; }

    /// <summary>The stage's options.</summary>
    public StageOptions Options { get; }

    /// <summary>True while the run loop is active and no halt was asked for.</summary>
    public bool IsRunning => Volatile.Read(ref _state) == Running;

    /// <summary>True once the stage's thread has left its run loop (a halted stage stuck in its handler has not).</summary>
    public bool HasExited => Volatile.Read(ref _exited);

    /// <summary>Handler calls repeated under a retry policy.</summary>
    public long Retries => Volatile.Read(ref _retries);

    /// <summary>Events given up on under a dead-letter policy.</summary>
    public long DeadLettered => Volatile.Read(ref _deadLettered);

    private protected ExceptionPolicy Policy { get; }

    /// <summary>What a batch helper returns instead of the last sequence handled when the pipeline must halt.</summary>
    private protected const long FaultedBatch = -2;

    /// <summary>
    /// Marks events <paramref name="first"/> through <paramref name="end"/> done: records the sampled
    /// latency, releases the stage's sequence, and wakes parked stages and waiting sources.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private protected void ReleaseBatch(long first, long end)
    {
        // Before the release: once this stage passes them, the stamps' slots may be reused.
        Latency?.OnBatchEnd(first, end);

        // Release; pairs with the acquire loads of later stages' barriers and of producers' gating checks.
        Sequence.SetRelease(end);
        if (_signalProgress)
        {
            Barrier.SignalProgress();
        }

        // One load per batch; the slow path runs only while a source is paused or awaits capacity.
        if (_capacity.HasWaiters)
        {
            _capacity.NotifyProgressSlow();
        }
    }

    /// <summary>
    /// Publish-to-stage latency recording (null when off). Set by <c>PipelineMetrics.Attach</c> before the
    /// stage's thread starts (the start publishes it); read once by the run loop.
    /// </summary>
    internal BatchSampler? Latency { get; set; }

    /// <summary>Runs the stage on the calling thread until halted. Called once, by the stage's thread.</summary>
    public void Run()
    {
        if (!TryEnter())
        {
            return;
        }

        ShutdownReason reason = ShutdownReason.Stopped;
        try
        {
            InvokeOnStart();
            reason = ProcessEvents();
        }
        catch (Exception ex)
        {
            // A lifecycle hook threw: the stage cannot go on, so the pipeline halts.
            reason = ShutdownReason.Faulted;
            ReportFault(Sequence.ValueAcquire + 1, ex);
        }
        finally
        {
            Exit(reason);
        }
    }

    /// <summary>
    /// Marks the stage running on the calling thread; false (and the stage counted as exited) when it was
    /// halted before its thread got going.
    /// </summary>
    internal bool TryEnter()
    {
        int previous = Interlocked.CompareExchange(ref _state, Running, Idle);
        if (previous == Running)
        {
            ThrowHelper.ThrowInvalidOperation($"Stage '{Name}' is already running.");
        }

        if (previous == Halted)
        {
            // Halted before its thread got going (another stage faulted at once): nothing ran, nothing to shut down.
            Volatile.Write(ref _exited, true);
            _host.OnStageExited(this);
            return false;
        }

        return true;
    }

    /// <summary>Calls the handler's start hook; false (the fault reported) when it threw.</summary>
    internal bool TryStart()
    {
        try
        {
            InvokeOnStart();
            return true;
        }
        catch (Exception ex)
        {
            ReportFault(Sequence.ValueAcquire + 1, ex);
            return false;
        }
    }

    /// <summary>Calls the handler's shutdown hook and reports the stage exited. Called once, by the thread that entered it.</summary>
    internal void Exit(ShutdownReason reason)
    {
        try
        {
            InvokeOnShutdown(reason);
        }
        catch (Exception ex)
        {
            ReportFault(Sequence.ValueAcquire + 1, ex);
        }

        Volatile.Write(ref _state, Halted);
        Volatile.Write(ref _exited, true);
        _host.OnStageExited(this);
    }

    /// <summary>A batch or timeout hook threw on a stage thread shared with other stages: halts the pipeline.</summary>
    internal void ReportHookFault(Exception error) => ReportFault(Sequence.ValueAcquire + 1, error);

    /// <summary>
    /// Handles the events available now, if any, without waiting: how a <see cref="StageThread"/> drives the
    /// stage. Called by the thread that entered the stage.
    /// </summary>
    internal PollResult Poll()
    {
        long next = Sequence.ValueRelaxed + 1;
        long available = Barrier.AvailableNow(next);
        if (available < next)
        {
            return PollResult.Idle;
        }

        return HandleBatch(next, available) == FaultedBatch ? PollResult.Faulted : PollResult.Progressed;
    }

    /// <summary>
    /// Hands events <paramref name="next"/> up to <paramref name="available"/> (at most a batch) to the handler
    /// and releases them; returns the last one handled, or <see cref="FaultedBatch"/> when the pipeline must halt.
    /// The sealed subclasses' own run loops call it directly (devirtualized); only <see cref="Poll"/> calls it
    /// through the base, once per batch.
    /// </summary>
    private protected abstract long HandleBatch(long next, long available);

    /// <summary>Tells the handler that its thread's timeout tick passed with nothing new (see <see cref="ITimeoutAware"/>).</summary>
    internal abstract void OnIdleTimeout();

    /// <summary>Asks the run loop to end at its next barrier wait.</summary>
    public void Halt()
    {
        Volatile.Write(ref _state, Halted);
        Barrier.Alert();
    }

    private protected bool HaltRequested => Volatile.Read(ref _state) == Halted;

    /// <summary>The run loop: returns why it ended.</summary>
    private protected abstract ShutdownReason ProcessEvents();

    private protected abstract void InvokeOnStart();

    private protected abstract void InvokeOnShutdown(ShutdownReason reason);

    /// <summary>The reason the loop ends when alerted: decided by the pipeline (drain, stop or fault).</summary>
    private protected ShutdownReason AlertReason => _host.ShutdownReason;

    /// <summary>The reason the pipeline decided for alerted stages; read by a <see cref="StageThread"/> as it ends.</summary>
    internal ShutdownReason HostShutdownReason => _host.ShutdownReason;

    private protected void CountRetry() => Interlocked.Increment(ref _retries);

    private protected void CountDeadLetter() => Interlocked.Increment(ref _deadLettered);

    private protected void ReportFault(long sequence, Exception error) =>
        _host.OnStageFault(this, new StageFault(Name, sequence, error));

    private protected static void Backoff(TimeSpan delay)
    {
        if (delay > TimeSpan.Zero)
        {
            Thread.Sleep(delay);
        }
    }
}

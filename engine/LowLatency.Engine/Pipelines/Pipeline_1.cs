using System.Diagnostics.CodeAnalysis;
using System.Diagnostics;
using LowLatency.Engine.Processing;
using LowLatency.Engine.Sequencing;
using LowLatency.Engine.Waiting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LowLatency.Engine.Pipelines;

/// <summary>
/// A ring, its producers' sequencer, and a graph of stages, each on its own thread.
/// </summary>
/// <remarks>
/// <para>Build, then <see cref="Start"/>, then publish through <see cref="RingBuffer"/>. The stages with no
/// stage after them gate the producers: a slot is reused only once every terminal stage has passed it.</para>
/// <para>Lifecycle: <see cref="DrainAsync"/> refuses new claims, waits until every stage has handled every
/// published event, then stops the stages (reason <see cref="ShutdownReason.Drained"/>: windows fire).
/// <see cref="StopAsync"/> stops them at their next barrier (reason <see cref="ShutdownReason.Stopped"/>:
/// state is kept). A handler fault under the halt policy closes the ring, stops every stage, and faults
/// <see cref="Completion"/>. All three are idempotent and bounded by the options' timeouts.</para>
/// </remarks>
/// <typeparam name="T">The event type.</typeparam>
public sealed class Pipeline<T> : IStageHost, IAsyncDisposable
    where T : struct
{
    private const int Building = 0;
    private const int Running = 1;
    private const int Finished = 2;

    private readonly Lock _lock = new();
    private readonly List<EventProcessor> _stages = [];

    // Parallel to _stages: the sequences each stage depends on (empty: the producers' cursor).
    private readonly List<Sequence[]> _dependencies = [];

    // Stages the host asked to share a thread (ShareThread), in the order asked.
    private readonly List<EventProcessor[]> _sharedThreads = [];
    private readonly List<Thread> _threads = [];
    private readonly List<StageThread> _stageThreads = [];
    private readonly IWaitStrategy _waitStrategy;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Guarded by _lock.
    private int _state;
    private Task? _drainTask;
    private Task? _stopTask;
    private Action<DeadLetter<T>>? _deadLetters;

    // Written by whichever thread halts the pipeline (only ever raised: Drained < Stopped < Faulted);
    // read by each stage as it exits.
    private int _shutdownReason;

    // Set once by the first stage that faults; read by anyone.
    private StageFault? _fault;

    // Incremented by each stage thread as it exits.
    private int _exited;

    private Pipeline(PipelineOptions options)
    {
        Options = options;
        _waitStrategy = WaitStrategies.Create(options.WaitStrategy, options.BackoffInterval);
        Sequencer sequencer = options.ProducerType == ProducerType.Single
            ? new SingleProducerSequencer(options.Capacity, _waitStrategy)
            : new MultiProducerSequencer(options.Capacity, _waitStrategy);
        RingBuffer = new RingBuffer<T>(sequencer);
    }

    /// <summary>Creates a pipeline; invalid options fail here with a message naming the option.</summary>
    public static Pipeline<T> Create(PipelineOptions? options = null)
    {
        options ??= PipelineOptions.Default;
        options.Validate();
        return new Pipeline<T>(options);
    }

    /// <summary>The options the pipeline was built with.</summary>
    public PipelineOptions Options { get; }

    /// <summary>The ring producers publish into.</summary>
    public RingBuffer<T> RingBuffer { get; }

    /// <summary>Every stage, in the order added.</summary>
    public IReadOnlyList<EventProcessor> Stages => _stages;

    /// <summary>
    /// The stages each thread runs, in thread order: fixed by <see cref="Start"/>; before it, the layout
    /// <see cref="Start"/> would use now (see <see cref="ShareThread"/> and <see cref="PipelineOptions.Threads"/>).
    /// </summary>
    public IReadOnlyList<IReadOnlyList<EventProcessor>> Layout
    {
        get
        {
            lock (_lock)
            {
                return [.. PlanLayout()];
            }
        }
    }

    /// <summary>
    /// The highest sequence every terminal stage (and poller) has finished with: what a source may
    /// acknowledge or commit. Acquire loads of the gating sequences.
    /// </summary>
    public long CompletedSequence => RingBuffer.Sequencer.MinimumGatingSequence(RingBuffer.Sequencer.ClaimedSequence);

    /// <summary>The fault that halted the pipeline, if one did.</summary>
    public StageFault? Fault => Volatile.Read(ref _fault);

    /// <summary>Completes when every stage thread has exited; faulted with <see cref="PipelineFaultedException"/> after a halt on fault.</summary>
    public Task Completion => _completion.Task;

    /// <summary>True once <see cref="Start"/> (or a shutdown) ran: stages and instrumentation are fixed.</summary>
    internal bool IsStarted
    {
        get
        {
            lock (_lock)
            {
                return _state != Building;
            }
        }
    }

    ShutdownReason IStageHost.ShutdownReason => (ShutdownReason)Volatile.Read(ref _shutdownReason);

    /// <summary>Sets where dead-lettered events go (they are counted per stage either way). Call before <see cref="Start"/>.</summary>
    public Pipeline<T> OnDeadLetter(Action<DeadLetter<T>> callback)
    {
        lock (_lock)
        {
            EnsureBuilding();
            _deadLetters = callback;
        }

        return this;
    }

    /// <summary>Adds a per-event stage that reads straight from the ring.</summary>
    public StageGroup<T> HandleEventsWith<[DynamicallyAccessedMembers(HandlerCapabilities.Members)] THandler>(THandler handler, StageOptions? options = null)
        where THandler : struct, IEventHandler<T> =>
        AddEventStage([], handler, options);

    /// <summary>Adds two per-event stages that read straight from the ring, side by side.</summary>
    public StageGroup<T> HandleEventsWith<[DynamicallyAccessedMembers(HandlerCapabilities.Members)] THandlerA, [DynamicallyAccessedMembers(HandlerCapabilities.Members)] THandlerB>(THandlerA a, THandlerB b)
        where THandlerA : struct, IEventHandler<T>
        where THandlerB : struct, IEventHandler<T> =>
        HandleEventsWith(a).And(HandleEventsWith(b));

    /// <summary>Adds a batch (span) stage that reads straight from the ring.</summary>
    public StageGroup<T> HandleBatchesWith<[DynamicallyAccessedMembers(HandlerCapabilities.Members)] THandler>(THandler handler, StageOptions? options = null)
        where THandler : struct, IBatchEventHandler<T> =>
        AddBatchStage([], handler, options);

    /// <summary>The join of several groups: stages added after it wait for all of them.</summary>
    public StageGroup<T> After(params StageGroup<T>[] groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        return new StageGroup<T>(this, [.. groups.SelectMany(g => g.Stages)]);
    }

    /// <summary>
    /// A poller that follows <paramref name="after"/> (or the producers when empty) and gates the ring;
    /// the host polls it on its own thread. Drain does not wait for pollers.
    /// </summary>
    public EventPoller<T> CreatePoller(int maxBatchSize = int.MaxValue, params StageGroup<T>[] after)
    {
        ArgumentNullException.ThrowIfNull(after);
        if (maxBatchSize < 1)
        {
            ThrowHelper.ThrowOption("maxBatchSize", maxBatchSize, "must be ≥ 1.");
        }

        lock (_lock)
        {
            EnsureBuilding();
            Sequence[] dependsOn = [.. after.SelectMany(g => g.Sequences)];
            var poller = new EventPoller<T>(RingBuffer, new SequenceBarrier(RingBuffer.Sequencer, _waitStrategy, dependsOn), maxBatchSize);
            Regate(dependsOn, poller.Sequence);
            return poller;
        }
    }

    internal StageGroup<T> AddEventStage<[DynamicallyAccessedMembers(HandlerCapabilities.Members)] THandler>(Sequence[] dependsOn, THandler handler, StageOptions? options)
        where THandler : struct, IEventHandler<T>
    {
        lock (_lock)
        {
            (string name, StageOptions resolved, SequenceBarrier barrier) = PrepareStage(typeof(THandler), dependsOn, options);
            return AddStage(dependsOn, new EventProcessor<T, THandler>(name, RingBuffer, barrier, handler, resolved, this, DeadLetterHandler()));
        }
    }

    internal StageGroup<T> AddBatchStage<[DynamicallyAccessedMembers(HandlerCapabilities.Members)] THandler>(Sequence[] dependsOn, THandler handler, StageOptions? options)
        where THandler : struct, IBatchEventHandler<T>
    {
        lock (_lock)
        {
            (string name, StageOptions resolved, SequenceBarrier barrier) = PrepareStage(typeof(THandler), dependsOn, options);
            return AddStage(dependsOn, new BatchEventProcessor<T, THandler>(name, RingBuffer, barrier, handler, resolved, this, DeadLetterHandler()));
        }
    }

    /// <summary>The host's dead-letter callback, preceded by a warning in the log when there is a logger.</summary>
    private Action<DeadLetter<T>>? DeadLetterHandler()
    {
        Action<DeadLetter<T>>? callback = _deadLetters;
        ILogger logger = Options.Logger;
        if (logger == NullLogger.Instance)
        {
            return callback;
        }

        string pipeline = Options.Name;
        return letter =>
        {
            EngineLog.DeadLettered(logger, letter.Error, pipeline, letter.Stage, letter.Sequence);
            callback?.Invoke(letter);
        };
    }

    private (string Name, StageOptions Options, SequenceBarrier Barrier) PrepareStage(Type handlerType, Sequence[] dependsOn, StageOptions? options)
    {
        EnsureBuilding();
        options ??= StageOptions.Default;
        string name = options.Name ?? handlerType.Name;
        if (_stages.Exists(s => s.Name == name))
        {
            name = $"{name}#{_stages.Count(s => s.Name.StartsWith(name, StringComparison.Ordinal)) + 1}";
        }

        options.Validate(name);
        var barrier = new SequenceBarrier(RingBuffer.Sequencer, _waitStrategy, dependsOn, options.TimeoutTick ?? Options.TimeoutTick);
        return (name, options, barrier);
    }

    private StageGroup<T> AddStage(Sequence[] dependsOn, EventProcessor stage)
    {
        _stages.Add(stage);
        _dependencies.Add(dependsOn);
        Regate(dependsOn, stage.Sequence);
        return new StageGroup<T>(this, [stage]);
    }

    /// <summary>The producers gate on terminal consumers only: a consumer with a follower leaves the gating set.</summary>
    private void Regate(Sequence[] dependsOn, Sequence added)
    {
        Sequencer sequencer = RingBuffer.Sequencer;
        foreach (Sequence upstream in dependsOn)
        {
            sequencer.RemoveGatingSequence(upstream);
        }

        sequencer.AddGatingSequence(added);
    }

    /// <summary>
    /// Runs the stages of <paramref name="groups"/> on one thread, in the order they were added, each keeping
    /// its own sequence, options and counters. Every stage of the set that depends on a stage outside it must
    /// depend on the same ones (a chain, a fan-out from one upstream, a whole graph): checked here. Call before
    /// <see cref="Start"/>; not with <see cref="PipelineOptions.Threads"/>.
    /// </summary>
    public Pipeline<T> ShareThread(params StageGroup<T>[] groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        lock (_lock)
        {
            EnsureBuilding();
            if (Options.Threads != 0)
            {
                ThrowHelper.ThrowInvalidOperation($"Pipeline '{Options.Name}' lays out its own threads (PipelineOptions.Threads = {Options.Threads}); use ShareThread or Threads, not both.");
            }

            HashSet<EventProcessor> members = [.. groups.SelectMany(g => g.Stages)];
            EventProcessor[] ordered = [.. _stages.Where(members.Contains)];
            if (ordered.Length != members.Count)
            {
                ThrowHelper.ThrowInvalidOperation($"Pipeline '{Options.Name}': ShareThread was given a stage of another pipeline.");
            }

            if (_sharedThreads.Find(shared => shared.Any(members.Contains)) is { } taken)
            {
                ThrowHelper.ThrowInvalidOperation($"Pipeline '{Options.Name}': stage '{taken.First(members.Contains).Name}' already shares a thread.");
            }

            if (InputsOf(ordered) is null)
            {
                ThrowHelper.ThrowInvalidOperation($"Pipeline '{Options.Name}': stages {string.Join(", ", ordered.Select(st => $"'{st.Name}'"))} cannot share a thread: the ones with a dependency outside the set depend on different stages.");
            }

            _sharedThreads.Add(ordered);
        }

        return this;
    }

    /// <summary>Starts the stages' threads (see <see cref="Layout"/>). Publish after this.</summary>
    public void Start()
    {
        lock (_lock)
        {
            EnsureBuilding();
            if (_stages.Count == 0)
            {
                ThrowHelper.ThrowInvalidOperation($"Pipeline '{Options.Name}' has no stages to start.");
            }

            _state = Running;
            foreach (EventProcessor[] group in PlanLayout())
            {
                ThreadStart run;
                if (group.Length == 1)
                {
                    run = group[0].Run;
                }
                else
                {
                    StageThread stageThread = CreateStageThread(group);
                    _stageThreads.Add(stageThread);
                    run = stageThread.Run;
                }

                _threads.Add(new Thread(run)
                {
                    Name = $"{Options.Name}/{string.Join('+', group.Select(st => st.Name))}",
                    IsBackground = true,
                });
            }
        }

        foreach (Thread thread in _threads)
        {
            thread.Start();
        }

        EngineLog.Started(Options.Logger, Options.Name, _stages.Count, Options.Capacity, Options.WaitStrategy);
    }

    /// <summary>
    /// Which stages share which thread: the host's <see cref="ShareThread"/> sets, each other stage alone;
    /// or, with <see cref="PipelineOptions.Threads"/> = N, the stages in the order added cut into at most N
    /// runs that can each share a thread: as many runs as allowed, then the most even.
    /// </summary>
    private List<EventProcessor[]> PlanLayout()
    {
        int threads = Options.Threads;
        if (threads == 0 || threads >= _stages.Count)
        {
            var layout = new List<EventProcessor[]>(_sharedThreads);
            HashSet<EventProcessor> shared = [.. _sharedThreads.SelectMany(g => g)];
            layout.AddRange(_stages.Where(st => !shared.Contains(st)).Select(st => new[] { st }));
            return layout;
        }

        return CutIntoRuns(threads);
    }

    /// <summary>
    /// The best cut of the stages, in the order added, into at most <paramref name="threads"/> runs that can
    /// each share a thread. Every cut is tried up to 16 stages (2^15 at most, once, at start); beyond that,
    /// greedy runs of near-equal length. One run always qualifies: its only outside input is the cursor.
    /// </summary>
    private List<EventProcessor[]> CutIntoRuns(int threads)
    {
        int n = _stages.Count;
        EventProcessor[] stages = [.. _stages];
        if (n > 16)
        {
            int length = (n + threads - 1) / threads;
            var greedy = new List<EventProcessor[]>();
            foreach (EventProcessor[] run in stages.Chunk(length))
            {
                if (greedy.Count > 0 && InputsOf(run) is null)
                {
                    greedy[^1] = [.. greedy[^1], .. run];
                }
                else
                {
                    greedy.Add(run);
                }
            }

            return greedy.All(run => InputsOf(run) is not null) ? greedy : [stages];
        }

        List<EventProcessor[]> best = [stages];
        int bestLongest = n;
        for (int cuts = 1; cuts < 1 << (n - 1); cuts++)
        {
            int runCount = int.PopCount(cuts) + 1;
            if (runCount > threads || runCount < best.Count)
            {
                continue;
            }

            var runs = new List<EventProcessor[]>(runCount);
            int begin = 0;
            for (int i = 1; i <= n; i++)
            {
                if (i == n || (cuts & (1 << (i - 1))) != 0)
                {
                    runs.Add(stages[begin..i]);
                    begin = i;
                }
            }

            int longest = runs.Max(run => run.Length);
            if ((runCount > best.Count || longest < bestLongest) && runs.All(run => InputsOf(run) is not null))
            {
                best = runs;
                bestLongest = longest;
            }
        }

        return best;
    }

    /// <summary>
    /// The sequences every stage of <paramref name="group"/> with a dependency outside it depends on (the
    /// cursor stands for "no dependency"), or null when those stages depend on different ones.
    /// </summary>
    private Sequence[]? InputsOf(EventProcessor[] group)
    {
        HashSet<Sequence> inside = [.. group.Select(st => st.Sequence)];
        HashSet<Sequence>? inputs = null;
        foreach (EventProcessor stage in group)
        {
            HashSet<Sequence> outside = OutsideInputs(stage, inside);
            if (outside.Count == 0)
            {
                continue;
            }

            if (inputs is null)
            {
                inputs = outside;
            }
            else if (!inputs.SetEquals(outside))
            {
                return null;
            }
        }

        return inputs is null ? null : [.. inputs];
    }

    /// <summary>What <paramref name="stage"/> depends on outside <paramref name="inside"/> (the cursor when it reads the ring).</summary>
    private HashSet<Sequence> OutsideInputs(EventProcessor stage, HashSet<Sequence> inside)
    {
        Sequence[] dependsOn = _dependencies[_stages.IndexOf(stage)];
        return dependsOn.Length == 0 ? [RingBuffer.Sequencer.Cursor] : [.. dependsOn.Where(d => !inside.Contains(d))];
    }

    private StageThread CreateStageThread(EventProcessor[] group)
    {
        Sequence[] inputs = InputsOf(group)!;
        HashSet<Sequence> inside = [.. group.Select(st => st.Sequence)];
        EventProcessor[] entries = [.. group.Where(st => OutsideInputs(st, inside).Count > 0)];
        long tick = group.Select(st => st.Barrier.TimeoutTicks).Where(t => t > 0).DefaultIfEmpty(0).Min();
        TimeSpan? timeoutTick = tick > 0 ? TimeSpan.FromSeconds((double)tick / Stopwatch.Frequency) : null;
        Sequence[] barrierInputs = inputs.Length == 1 && inputs[0] == RingBuffer.Sequencer.Cursor ? [] : inputs;
        return new StageThread(group, entries, new SequenceBarrier(RingBuffer.Sequencer, _waitStrategy, barrierInputs, timeoutTick));
    }

    /// <summary>
    /// Refuses new claims, waits until every stage has handled every published event, then stops the
    /// stages with <see cref="ShutdownReason.Drained"/>. Throws <see cref="PipelineFaultedException"/> if a
    /// stage faulted, <see cref="TimeoutException"/> past <see cref="PipelineOptions.DrainTimeout"/>.
    /// </summary>
    /// <param name="cancellationToken">
    /// Ends the graceful part (a host's shutdown timeout): the drain turns into <see cref="StopAsync"/> (every
    /// stage halts at its next barrier, events not yet handled stay unhandled) and this throws
    /// <see cref="OperationCanceledException"/> at once; <see cref="Completion"/> completes when the stages have exited.
    /// </param>
    public Task DrainAsync(CancellationToken cancellationToken = default)
    {
        Task drain;
        lock (_lock)
        {
            drain = _drainTask ??= _stopTask ?? DrainCoreAsync();
        }

        return cancellationToken.CanBeCanceled && !drain.IsCompleted ? DrainOrStopAsync(drain, cancellationToken) : drain;
    }

    /// <summary>
    /// Refuses new claims and stops every stage at its next barrier without draining
    /// (<see cref="ShutdownReason.Stopped"/>). Throws <see cref="TimeoutException"/> naming the stages whose
    /// threads did not exit within <see cref="PipelineOptions.StopTimeout"/> (a hung handler).
    /// </summary>
    /// <param name="cancellationToken">Abandons the wait for the stage threads to exit (they are halted either way).</param>
    public Task StopAsync(CancellationToken cancellationToken = default)
    {
        Task stop;
        lock (_lock)
        {
            stop = _stopTask ??= StopCoreAsync();
        }

        return cancellationToken.CanBeCanceled ? stop.WaitAsync(cancellationToken) : stop;
    }

    /// <summary>Stops the pipeline if it is running; never throws for a fault already surfaced through <see cref="Completion"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync().ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Stage threads are background threads; a hung handler cannot keep the process alive.
        }
    }

    private async Task DrainOrStopAsync(Task drain, CancellationToken cancellationToken)
    {
        try
        {
            await drain.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The caller's time is up: halt the stages and return now. The stop's own outcome (a hung handler's
            // TimeoutException) stays on StopAsync and DisposeAsync.
            _ = StopAsync(CancellationToken.None);
            throw;
        }
    }

    private async Task DrainCoreAsync()
    {
        if (!BeginShutdown(ShutdownReason.Drained))
        {
            return;
        }

        Sequencer sequencer = RingBuffer.Sequencer;
        long deadline = Stopwatch.GetTimestamp() + (long)(Options.DrainTimeout.TotalSeconds * Stopwatch.Frequency);
        while (Fault is null && Volatile.Read(ref _shutdownReason) == (int)ShutdownReason.Drained)
        {
            long claimed = sequencer.ClaimedSequence;
            string? lagging = _stages.Find(s => s.Sequence.ValueAcquire < claimed)?.Name;
            if (lagging is null)
            {
                break;
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                RaiseReason(ShutdownReason.Stopped);
                HaltAll();
                string stuck = string.Empty;
                try
                {
                    await WaitForExitAsync().ConfigureAwait(false);
                }
                catch (TimeoutException ex)
                {
                    stuck = " " + ex.Message;
                }

                throw new TimeoutException($"Pipeline '{Options.Name}' did not drain within {Options.DrainTimeout}: stage '{lagging}' is behind the producers.{stuck}");
            }

            await Task.Delay(1).ConfigureAwait(false);
        }

        HaltAll();
        await WaitForExitAsync().ConfigureAwait(false);
        if (Fault is { } fault)
        {
            throw new PipelineFaultedException(fault);
        }
    }

    private async Task StopCoreAsync()
    {
        if (!BeginShutdown(ShutdownReason.Stopped))
        {
            return;
        }

        RaiseReason(ShutdownReason.Stopped);
        HaltAll();
        await WaitForExitAsync().ConfigureAwait(false);
    }

    /// <summary>Closes the ring; false when nothing was started (then there is nothing to wait for).</summary>
    private bool BeginShutdown(ShutdownReason reason)
    {
        RaiseReason(reason);
        RingBuffer.Sequencer.Close(Fault?.Error);
        lock (_lock)
        {
            if (_state == Building)
            {
                _state = Finished;
                _completion.TrySetResult();
                return false;
            }
        }

        return true;
    }

    private async Task WaitForExitAsync()
    {
        Task finished = await Task.WhenAny(_completion.Task, Task.Delay(Options.StopTimeout)).ConfigureAwait(false);
        if (finished != _completion.Task)
        {
            string stuck = string.Join(", ", _stages.Where(s => !s.HasExited).Select(s => $"'{s.Name}'"));
            throw new TimeoutException($"Pipeline '{Options.Name}': stage(s) {stuck} did not stop within {Options.StopTimeout}; a handler is blocked.");
        }

        foreach (Thread thread in _threads)
        {
            thread.Join(Options.StopTimeout);
        }
    }

    private void RaiseReason(ShutdownReason reason)
    {
        int current;
        do
        {
            current = Volatile.Read(ref _shutdownReason);
        }
        while ((int)reason > current && Interlocked.CompareExchange(ref _shutdownReason, (int)reason, current) != current);
    }

    private void HaltAll()
    {
        foreach (EventProcessor stage in _stages)
        {
            stage.Halt();
        }

        foreach (StageThread stageThread in _stageThreads)
        {
            stageThread.Halt();
        }

        _waitStrategy.SignalAllWhenBlocking();
    }

    void IStageHost.OnStageFault(EventProcessor stage, StageFault fault)
    {
        if (Interlocked.CompareExchange(ref _fault, fault, null) is null)
        {
            EngineLog.StageFaulted(Options.Logger, fault.Error, Options.Name, fault.Stage, fault.Sequence);
        }

        RaiseReason(ShutdownReason.Faulted);
        RingBuffer.Sequencer.Close(fault.Error);
        HaltAll();
    }

    void IStageHost.OnStageExited(EventProcessor stage)
    {
        if (Interlocked.Increment(ref _exited) < _stages.Count)
        {
            return;
        }

        lock (_lock)
        {
            _state = Finished;
        }

        var reason = (ShutdownReason)Volatile.Read(ref _shutdownReason);
        EngineLog.ShutDown(Options.Logger, Options.Name, reason);
        if (Fault is { } fault)
        {
            _completion.TrySetException(new PipelineFaultedException(fault));
        }
        else
        {
            _completion.TrySetResult();
        }
    }

    private void EnsureBuilding()
    {
        if (_state != Building)
        {
            ThrowHelper.ThrowInvalidOperation($"Pipeline '{Options.Name}' has already started; add stages and pollers before Start.");
        }
    }
}

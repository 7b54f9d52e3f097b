using System.Runtime.CompilerServices;
using LowLatency.Engine.Sequencing;

namespace LowLatency.Engine.Processing;

/// <summary>
/// Several stages run in turn on one thread (Disruptor-net's aggregate handler, Aeron's composite agent):
/// each keeps its own sequence, barrier, options, counters and fault policy, so dependents, metrics, lag
/// and exception policies see it as they would a stage with a thread of its own.
/// </summary>
/// <remarks>
/// <para>One pass polls every stage in the order they were added (dependencies first), so an event runs
/// through a chain in one pass. A poll that finds events makes one virtual call per batch; inside it the handler is a struct
/// generic, called directly per event.</para>
/// <para>When a pass finds nothing, the thread waits through the ring's wait strategy on the group's
/// inputs (the sequences every stage with a dependency outside the group depends on, or the producers'
/// cursor) for the event after the least advanced of those stages. Stages whose dependencies are all inside
/// the group can only move after one of those does, so the wait cannot miss work.</para>
/// </remarks>
internal sealed class StageThread
{
    private readonly EventProcessor[] _stages;
    private readonly EventProcessor[] _entries;
    private readonly SequenceBarrier _inputs;

    // The group's thread only: the stage being driven, to name it if a hook throws.
    private int _current;

    // Written by whoever halts the pipeline; read by the run loop once per pass.
    private volatile bool _halted;

    /// <param name="stages">The stages, dependencies first.</param>
    /// <param name="entries">The stages with a dependency outside the group; each depends on exactly <paramref name="inputs"/>' sequences.</param>
    /// <param name="inputs">The group's inputs, with the shortest timeout tick of its stages.</param>
    public StageThread(EventProcessor[] stages, EventProcessor[] entries, SequenceBarrier inputs)
    {
        _stages = stages;
        _entries = entries;
        _inputs = inputs;
    }

    /// <summary>The stages, in the order they run.</summary>
    public IReadOnlyList<EventProcessor> Stages => _stages;

    /// <summary>Runs every stage on the calling thread until halted. Called once, by the group's thread.</summary>
    public void Run()
    {
        EventProcessor[] stages = _stages;
        var entered = new bool[stages.Length];
        var reasons = new ShutdownReason[stages.Length];
        for (int i = 0; i < stages.Length; i++)
        {
            entered[i] = stages[i].TryEnter();
        }

        try
        {
            int faulted = Start(entered);
            if (faulted < 0)
            {
                faulted = ProcessEvents(entered);
            }

            for (int i = 0; i < stages.Length; i++)
            {
                reasons[i] = i == faulted ? ShutdownReason.Faulted : stages[i].HostShutdownReason;
            }
        }
        catch (Exception ex)
        {
            // A batch or timeout hook threw: that stage cannot go on, so the pipeline halts.
            EventProcessor stage = stages[_current];
            stage.ReportHookFault(ex);
            Array.Fill(reasons, ShutdownReason.Faulted);
        }
        finally
        {
            for (int i = 0; i < stages.Length; i++)
            {
                if (entered[i])
                {
                    stages[i].Exit(reasons[i]);
                }
            }
        }
    }

    /// <summary>Asks the run loop to end after its current pass or wait.</summary>
    public void Halt()
    {
        _halted = true;
        _inputs.Alert();
    }

    /// <summary>Calls each entered stage's start hook; returns the index of one that threw, or -1.</summary>
    private int Start(bool[] entered)
    {
        for (int i = 0; i < _stages.Length; i++)
        {
            if (entered[i] && !_stages[i].TryStart())
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The run loop: returns the index of the stage that faulted, or -1 when halted.</summary>
    // Fully optimized at once: entered once, it loops for the thread's life (see EventProcessor<T, THandler>).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int ProcessEvents(bool[] entered)
    {
        EventProcessor[] stages = _stages;
        SequenceBarrier inputs = _inputs;
        while (!_halted)
        {
            bool progressed = false;
            for (int i = 0; i < stages.Length; i++)
            {
                if (!entered[i])
                {
                    continue;
                }

                _current = i;
                PollResult result = stages[i].Poll();
                if (result == PollResult.Faulted)
                {
                    // The stage reported its fault: the pipeline is halting every stage.
                    return i;
                }

                progressed |= result == PollResult.Progressed;
            }

            if (progressed)
            {
                continue;
            }

            long available = inputs.WaitFor(LeastNext());
            if (available == SequenceBarrier.TimedOut)
            {
                for (int i = 0; i < stages.Length; i++)
                {
                    if (entered[i])
                    {
                        _current = i;
                        stages[i].OnIdleTimeout();
                    }
                }
            }
        }

        return -1;
    }

    /// <summary>The event after the least advanced entry stage: what the group's inputs must reach for work to appear.</summary>
    private long LeastNext()
    {
        long least = long.MaxValue;
        foreach (EventProcessor entry in _entries)
        {
            least = Math.Min(least, entry.Sequence.ValueRelaxed);
        }

        return least + 1;
    }
}

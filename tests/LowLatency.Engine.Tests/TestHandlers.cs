using System.Collections.Concurrent;
using LowLatency.Engine.Processing;
using LowLatency.Testing;

namespace LowLatency.Engine.Tests;

/// <summary>A one-field event for the edge tests.</summary>
internal struct Slot
{
    public long Value;
}

/// <summary>Shared record of what a test stage did, written by the stage thread.</summary>
internal sealed class StageLog
{
    public readonly ConcurrentQueue<long> Values = new();
    public readonly ConcurrentQueue<(long First, long Count)> Batches = new();
    public readonly ManualResetEventSlim Gate = new(initialState: true);
    public readonly ManualResetEventSlim Entered = new();
    public readonly AllocationProbe Allocations = new();
    public long FailOnValue = -1;
    public int FailuresLeft;
    public int Timeouts;
    public ShutdownReason? Shutdown;
    public int Starts;
    public long ArmAtValue = -1;
    public long ReadAtValue = -1;
}

/// <summary>Records values; can block on a gate (a stalled consumer) or throw on a chosen value.</summary>
internal struct RecordingHandler(StageLog log) : IEventHandler<Slot>, ITimeoutAware, ILifecycleAware, IBatchAware
{
    public readonly void OnEvent(ref Slot data, long sequence, bool endOfBatch)
    {
        log.Entered.Set();
        log.Gate.Wait();
        if (data.Value == log.FailOnValue && log.FailuresLeft != 0)
        {
            log.FailuresLeft--;
            throw new InvalidOperationException($"boom at {data.Value}");
        }

        log.Values.Enqueue(data.Value);
    }

    public readonly void OnTimeout(long lastSequence) => Interlocked.Increment(ref log.Timeouts);

    public readonly void OnStart() => log.Starts++;

    public readonly void OnShutdown(ShutdownReason reason) => log.Shutdown = reason;

    public readonly void OnBatchStart(long firstSequence, long count) => log.Batches.Enqueue((firstSequence, count));

    public readonly void OnBatchEnd(long lastSequence)
    {
    }
}

/// <summary>Records each span it gets; can throw on a span containing a chosen value.</summary>
internal struct RecordingBatchHandler(StageLog log) : IBatchEventHandler<Slot>
{
    public readonly void OnBatch(Span<Slot> batch, long firstSequence)
    {
        foreach (Slot slot in batch)
        {
            if (slot.Value == log.FailOnValue && log.FailuresLeft != 0)
            {
                log.FailuresLeft--;
                throw new InvalidOperationException($"boom at {slot.Value}");
            }
        }

        log.Batches.Enqueue((firstSequence, batch.Length));
        foreach (Slot slot in batch)
        {
            log.Values.Enqueue(slot.Value);
        }
    }
}

/// <summary>Allocation-free handler: sums, and arms/reads an allocation probe at chosen values.</summary>
internal struct ProbeHandler(StageLog log) : IEventHandler<Slot>
{
    private long _sum;

    public void OnEvent(ref Slot data, long sequence, bool endOfBatch)
    {
        _sum += data.Value;
        if (data.Value == log.ArmAtValue)
        {
            log.Allocations.Arm();
        }
        else if (data.Value == log.ReadAtValue)
        {
            log.Allocations.Read();
        }
    }
}

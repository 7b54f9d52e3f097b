namespace LowLatency.Engine.Windowing;

/// <summary>
/// Takes an operator's snapshot on its own stage thread, right after the event of a requested sequence (a
/// sequence barrier): the snapshot holds exactly the effect of events up to that sequence, which is what a
/// source may commit (see <c>Pipeline.CompletedSequence</c>). One request at a time.
/// </summary>
/// <remarks>
/// Protocol: the host writes the destination and the completion, then publishes the requested sequence with
/// a release store; the stage thread reads the sequence with an acquire load on every event (one load and a
/// compare when no request is pending), and when it is due, writes the snapshot, clears the request (release)
/// and completes the task. The task's continuations run asynchronously, never on the stage thread.
/// </remarks>
public sealed class SnapshotBarrier
{
    // Written by the host (RequestAsync, release) and by the stage thread (TryTake, release); read by the stage
    // thread on every event (acquire; pairs with the release in RequestAsync).
    private long _requested = long.MaxValue;

    // Written by the host before the release of _requested; read by the stage thread after its acquire.
    private Stream? _destination;
    private TaskCompletionSource<long>? _completion;

    /// <summary>
    /// Requests a snapshot into <paramref name="destination"/> right after the stage handled <paramref name="sequence"/>
    /// (or the first event after it, if it has already passed). Completes with the sequence the snapshot covers.
    /// </summary>
    public Task<long> RequestAsync(long sequence, Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        if (Volatile.Read(ref _requested) != long.MaxValue)
        {
            ThrowHelper.ThrowInvalidOperation("A snapshot request is already pending on this barrier.");
        }

        var completion = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        _destination = destination;
        _completion = completion;
        Volatile.Write(ref _requested, sequence); // release: destination and completion are visible to the stage
        return completion.Task;
    }

    /// <summary>True when a request is pending.</summary>
    public bool IsPending => Volatile.Read(ref _requested) != long.MaxValue;

    /// <summary>Called by the stage after handling <paramref name="sequence"/>: takes the snapshot when due.</summary>
    internal void TryTake<TEvent>(IWindowOperator<TEvent> windowOperator, long sequence)
        where TEvent : struct
    {
        if (sequence < Volatile.Read(ref _requested))
        {
            return;
        }

        TakeSlow(windowOperator, sequence);
    }

    private void TakeSlow<TEvent>(IWindowOperator<TEvent> windowOperator, long sequence)
        where TEvent : struct
    {
        Stream destination = _destination!;
        TaskCompletionSource<long> completion = _completion!;
        _destination = null;
        _completion = null;
        try
        {
            windowOperator.WriteSnapshot(destination);
            Volatile.Write(ref _requested, long.MaxValue);
            completion.SetResult(sequence);
        }
#pragma warning disable CA1031 // the failure belongs to the requester, not to the stage: the pipeline keeps running
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Volatile.Write(ref _requested, long.MaxValue);
            completion.SetException(ex);
        }
    }
}

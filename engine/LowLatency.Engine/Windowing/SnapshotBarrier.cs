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
    private const long Idle = long.MaxValue;

    // Guards the request's fields against a cancellation withdrawing it while the stage takes it; taken by the
    // stage thread only on the slow path (a request is due), never per event.
    private readonly Lock _gate = new();

    // Written by the host (RequestAsync, release; a cancellation, under _gate) and by the stage thread (after a
    // snapshot, release); read by the stage thread on every event (acquire; pairs with the release in RequestAsync).
    private long _requested = Idle;

    // Written under _gate by the host before the release of _requested, cleared under _gate by whoever ends the request.
    private Stream? _destination;
    private TaskCompletionSource<long>? _completion;

    /// <summary>
    /// Requests a snapshot into <paramref name="destination"/> right after the stage handled <paramref name="sequence"/>
    /// (or the first event after it, if it has already passed). Completes with the sequence the snapshot covers.
    /// </summary>
    /// <param name="sequence">The barrier: the snapshot holds the effect of every event up to it.</param>
    /// <param name="destination">Where the snapshot is written, on the stage thread.</param>
    /// <param name="cancellationToken">
    /// Withdraws the request if the stage has not started the snapshot yet (the task is then cancelled and
    /// <paramref name="destination"/> untouched); a snapshot already being written completes.
    /// </param>
    public Task<long> RequestAsync(long sequence, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        cancellationToken.ThrowIfCancellationRequested();
        var completion = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (Volatile.Read(ref _requested) != Idle)
            {
                ThrowHelper.ThrowInvalidOperation("A snapshot request is already pending on this barrier.");
            }

            _destination = destination;
            _completion = completion;
            Volatile.Write(ref _requested, sequence); // release: destination and completion are visible to the stage
        }

        if (cancellationToken.CanBeCanceled)
        {
            CancellationTokenRegistration registration = cancellationToken.Register(() => Withdraw(completion, cancellationToken));
            completion.Task.ContinueWith(static (_, state) => ((CancellationTokenRegistration)state!).Dispose(), registration, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        return completion.Task;
    }

    /// <summary>True when a request is pending.</summary>
    public bool IsPending => Volatile.Read(ref _requested) != Idle;

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
        Stream destination;
        TaskCompletionSource<long> completion;
        lock (_gate)
        {
            // Withdrawn by a cancellation since the fast path looked (or replaced by a later request): not due.
            if (_completion is null || sequence < Volatile.Read(ref _requested))
            {
                return;
            }

            destination = _destination!;
            completion = _completion;
            _destination = null;
            _completion = null;
        }

        try
        {
            windowOperator.WriteSnapshot(destination);
            Volatile.Write(ref _requested, Idle);
            completion.TrySetResult(sequence);
        }
#pragma warning disable CA1031 // the failure belongs to the requester, not to the stage: the pipeline keeps running
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Volatile.Write(ref _requested, Idle);
            completion.TrySetException(ex);
        }
    }

    private void Withdraw(TaskCompletionSource<long> completion, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            // The stage took it (or it already completed): the snapshot finishes as requested.
            if (!ReferenceEquals(_completion, completion))
            {
                return;
            }

            _destination = null;
            _completion = null;
            Volatile.Write(ref _requested, Idle);
        }

        completion.TrySetCanceled(cancellationToken);
    }
}

using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using LowLatency.Engine.Sequencing;

namespace LowLatency.Engine.Processing;

/// <summary>A stage that hands events to a per-event struct handler.</summary>
/// <typeparam name="T">The event type.</typeparam>
/// <typeparam name="THandler">The handler; a struct, so calls devirtualize and inline.</typeparam>
public sealed class EventProcessor<T, [DynamicallyAccessedMembers(HandlerCapabilities.Members)] THandler> : EventProcessor
    where T : struct
    where THandler : struct, IEventHandler<T>
{
    private readonly RingBuffer<T> _ring;
    private readonly Action<DeadLetter<T>>? _deadLetters;
    private readonly long _maxBatchMinusOne;

    // Stage thread only: the sequence being handled, for fault recovery.
    private long _inFlight;

    // The runtime type is a struct: the JIT specializes this class for it and calls it directly.
    // Not readonly: handlers keep mutable state.
    private THandler _handler;

    internal EventProcessor(string name, RingBuffer<T> ring, SequenceBarrier barrier, THandler handler, StageOptions options, IStageHost host, Action<DeadLetter<T>>? deadLetters)
        : base(name, barrier, options, host)
    {
        _ring = ring;
        _handler = handler;
        _deadLetters = deadLetters;
        _maxBatchMinusOne = options.MaxBatchSize - 1L;
    }

    /// <summary>The handler's state. Read it once the stage has stopped.</summary>
    public ref THandler Handler => ref _handler;

    // Fully optimized at once: this method is entered once and loops for the stage's life, so tiering
    // would only ever run it as on-stack-replacement code, which keeps loop locals on the stack.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private protected override ShutdownReason ProcessEvents()
    {
        SequenceBarrier barrier = Barrier;
        Sequence sequence = Sequence;
        long next = sequence.ValueRelaxed + 1;

        while (true)
        {
            long available = barrier.WaitFor(next);
            if (available >= next && !barrier.IsAlerted)
            {
                long end = HandleBatch(next, available);
                if (end == FaultedBatch)
                {
                    return ShutdownReason.Faulted;
                }

                next = end + 1;
            }
            else if (available == SequenceBarrier.TimedOut)
            {
                HandlerHooks<THandler>.OnTimeout?.Invoke(ref _handler, next - 1);
            }
            else if (barrier.IsAlerted && HaltRequested)
            {
                return AlertReason;
            }
        }
    }

    internal override void OnIdleTimeout() => HandlerHooks<THandler>.OnTimeout?.Invoke(ref _handler, Sequence.ValueRelaxed);

    /// <summary>
    /// Hands events <paramref name="next"/> up to <paramref name="available"/> (at most a batch) to the handler
    /// and releases them; returns the last one handled, or <see cref="EventProcessor.FaultedBatch"/> when the
    /// pipeline must halt.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private protected override long HandleBatch(long next, long available)
    {
        long end = Math.Min(available, next + _maxBatchMinusOne);
        HandlerHooks<THandler>.OnBatchStart?.Invoke(ref _handler, next, end - next + 1);

        try
        {
            HandleRange(next, end);
        }
        catch (Exception ex)
        {
            if (!RecoverSlow(_inFlight, end, ex))
            {
                return FaultedBatch;
            }
        }

        HandlerHooks<THandler>.OnBatchEnd?.Invoke(ref _handler, end);

        ReleaseBatch(next, end);
        return end;
    }

    /// <summary>
    /// The per-event loop, kept out of the method with the try/catch: locals live into an exception
    /// handler are kept on the stack, and here the loop counter, bound and slot reference stay in registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private void HandleRange(long first, long end)
    {
        ref T slots = ref _ring.FirstSlot;
        long mask = _ring.IndexMask;
        for (long current = first; current <= end; current++)
        {
            // Where recovery resumes if the handler throws (read only on that path).
            _inFlight = current;
            _handler.OnEvent(ref Unsafe.Add(ref slots, (nint)(current & mask)), current, current == end);
        }
    }

    /// <summary>
    /// The handler threw on <paramref name="failed"/>: apply the policy to it, then handle the rest of the
    /// batch one event at a time. Returns false when the pipeline must halt (the stage's sequence then
    /// stops just before the failing event).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool RecoverSlow(long failed, long end, Exception error)
    {
        while (true)
        {
            if (!TryResolve(failed, end, ref error))
            {
                Sequence.SetRelease(failed - 1);
                ReportFault(failed, error);
                return false;
            }

            long current = failed + 1;
            try
            {
                for (; current <= end; current++)
                {
                    _handler.OnEvent(ref _ring[current], current, current == end);
                }

                return true;
            }
            catch (Exception ex)
            {
                failed = current;
                error = ex;
            }
        }
    }

    /// <summary>Retries or dead-letters the failing event; false means halt.</summary>
    private bool TryResolve(long failed, long end, ref Exception error)
    {
        ExceptionPolicy policy = Policy;
        FaultAction action = policy.Action;
        if (action == FaultAction.Retry)
        {
            for (int attempt = 0; attempt < policy.MaxRetries; attempt++)
            {
                CountRetry();
                Backoff(policy.RetryBackoff);
                try
                {
                    _handler.OnEvent(ref _ring[failed], failed, failed == end);
                    return true;
                }
                catch (Exception ex)
                {
                    error = ex;
                }
            }

            action = policy.AfterRetries;
        }

        if (action != FaultAction.DeadLetter)
        {
            return false;
        }

        try
        {
            _deadLetters?.Invoke(new DeadLetter<T>(Name, failed, _ring[failed], error));
        }
        catch (Exception ex)
        {
            error = new AggregateException("The dead-letter callback threw.", error, ex);
            return false;
        }

        CountDeadLetter();
        return true;
    }

    private protected override void InvokeOnStart() => HandlerHooks<THandler>.OnStart?.Invoke(ref _handler);

    private protected override void InvokeOnShutdown(ShutdownReason reason) => HandlerHooks<THandler>.OnShutdown?.Invoke(ref _handler, reason);
}

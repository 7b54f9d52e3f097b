using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using LowLatency.Engine.Sequencing;

namespace LowLatency.Engine.Processing;

/// <summary>A stage that hands events to a struct handler as contiguous spans of the ring.</summary>
/// <typeparam name="T">The event type.</typeparam>
/// <typeparam name="THandler">The handler; a struct, so calls devirtualize and inline.</typeparam>
public sealed class BatchEventProcessor<T, [DynamicallyAccessedMembers(HandlerCapabilities.Members)] THandler> : EventProcessor
    where T : struct
    where THandler : struct, IBatchEventHandler<T>
{
    private readonly RingBuffer<T> _ring;
    private readonly Action<DeadLetter<T>>? _deadLetters;
    private readonly long _maxBatchMinusOne;

    // The runtime type is a struct. Not readonly: handlers keep mutable state.
    private THandler _handler;

    internal BatchEventProcessor(string name, RingBuffer<T> ring, SequenceBarrier barrier, THandler handler, StageOptions options, IStageHost host, Action<DeadLetter<T>>? deadLetters)
        : base(name, barrier, options, host)
    {
        _ring = ring;
        _handler = handler;
        _deadLetters = deadLetters;
        _maxBatchMinusOne = options.MaxBatchSize - 1L;
    }

    /// <summary>The handler's state. Read it once the stage has stopped.</summary>
    public ref THandler Handler => ref _handler;

    // Fully optimized at once: entered once, it loops for the stage's life (see EventProcessor<T, THandler>).
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
    /// as spans and releases them; returns the last one handled, or <see cref="EventProcessor.FaultedBatch"/>
    /// when the pipeline must halt.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private protected override long HandleBatch(long next, long available)
    {
        long end = Math.Min(available, next + _maxBatchMinusOne);
        HandlerHooks<THandler>.OnBatchStart?.Invoke(ref _handler, next, end - next + 1);

        // At most two segments: up to the end of the array, then from its start.
        RingBuffer<T> ring = _ring;
        long low = next;
        while (low <= end)
        {
            Span<T> segment = ring.GetContiguousSpan(low, (int)(end - low + 1));
            try
            {
                _handler.OnBatch(segment, low);
            }
            catch (Exception ex)
            {
                if (!RecoverSlow(low, segment.Length, ex))
                {
                    return FaultedBatch;
                }
            }

            low += segment.Length;
        }

        HandlerHooks<THandler>.OnBatchEnd?.Invoke(ref _handler, end);

        ReleaseBatch(next, end);
        return end;
    }

    /// <summary>
    /// The handler threw on the segment starting at <paramref name="low"/>: retry the segment, then
    /// dead-letter each of its events or halt. Returns false when the pipeline must halt.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool RecoverSlow(long low, int length, Exception error)
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
                    _handler.OnBatch(_ring.GetContiguousSpan(low, length), low);
                    return true;
                }
                catch (Exception ex)
                {
                    error = ex;
                }
            }

            action = policy.AfterRetries;
        }

        if (action == FaultAction.DeadLetter)
        {
            try
            {
                for (long s = low; s < low + length; s++)
                {
                    _deadLetters?.Invoke(new DeadLetter<T>(Name, s, _ring[s], error));
                    CountDeadLetter();
                }

                return true;
            }
            catch (Exception ex)
            {
                error = new AggregateException("The dead-letter callback threw.", error, ex);
            }
        }

        Sequence.SetRelease(low - 1);
        ReportFault(low, error);
        return false;
    }

    private protected override void InvokeOnStart() => HandlerHooks<THandler>.OnStart?.Invoke(ref _handler);

    private protected override void InvokeOnShutdown(ShutdownReason reason) => HandlerHooks<THandler>.OnShutdown?.Invoke(ref _handler, reason);
}

using System.Diagnostics;
using System.Runtime.CompilerServices;
using LowLatency.Engine.Sequencing;

namespace LowLatency.Engine.Flow;

/// <summary>
/// One producer's front to a ring: offers return a <see cref="PublishResult"/> instead of throwing, a
/// full ring is handled by the source's <see cref="OverflowPolicy"/>, every event not accepted is counted
/// by reason, and occupancy marks raise pause/resume signals for the edge that feeds it.
/// </summary>
/// <remarks>
/// <para>One source per producer: a source is not thread-safe (its counters and conflation table belong
/// to the thread or async flow that offers). Several sources need a pipeline created with
/// <c>ProducerType.Multi</c>; a single-producer ring refuses a second source.</para>
/// <para>Conflated values are held by the source, not the ring: <see cref="Flush"/> (or the next offer)
/// publishes them once there is room, and <c>Pipeline.DrainAsync</c> does not know about them — flush,
/// awaiting <see cref="EventSource.WaitForCapacityAsync"/> between attempts, before draining.</para>
/// <para>Results: <see cref="PublishResult.Ok"/> — in the ring (or, under <see cref="OverflowPolicy.Conflate"/>,
/// held as the newest value of its key until there is room); <see cref="PublishResult.BackPressured"/> —
/// nothing changed (Reject, or Wait's timeout, both counted; <see cref="TryOffer"/> under Wait, not counted,
/// since the caller keeps the event and retries); <see cref="PublishResult.Dropped"/> — discarded by a lossy
/// policy and counted; <see cref="PublishResult.Closed"/> — the pipeline accepts nothing more, counted.</para>
/// </remarks>
/// <typeparam name="T">The event type.</typeparam>
public sealed class EventSource<T> : EventSource
    where T : struct
{
    private readonly RingBuffer<T> _ring;
    private readonly OverflowPolicy _policy;
    private readonly long _waitTimeoutTicks;
    private readonly int _sampleEvery;
    private readonly ConflationKey<T>? _key;
    private readonly ConflationBuffer<T>? _conflation;

    /// <summary>Creates a source publishing into <paramref name="ring"/>.</summary>
    /// <param name="ring">The ring.</param>
    /// <param name="options">Policy, marks and callbacks (default: <see cref="EventSourceOptions.Default"/>).</param>
    /// <param name="conflationKey">The key of an event; required under <see cref="OverflowPolicy.Conflate"/>.</param>
    public EventSource(RingBuffer<T> ring, EventSourceOptions? options = null, ConflationKey<T>? conflationKey = null)
        : base(ring?.Sequencer!, Validated(options, conflationKey))
    {
        _ring = ring!;
        _policy = Options.Policy;
        _waitTimeoutTicks = Options.WaitTimeout is { } timeout && timeout != Timeout.InfiniteTimeSpan
            ? (long)(timeout.TotalSeconds * Stopwatch.Frequency)
            : -1;
        _sampleEvery = Options.SampleEvery;
        if (_policy == OverflowPolicy.Conflate)
        {
            _key = conflationKey;
            _conflation = new ConflationBuffer<T>(Options.ConflationCapacity);
        }
    }

    /// <inheritdoc/>
    public override int Pending => _conflation?.Count ?? 0;

    /// <summary>Offers <paramref name="value"/> under the source's policy; under <see cref="OverflowPolicy.Wait"/> waits for room (up to the timeout).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public PublishResult Offer(in T value) => OfferCore(in value, wait: true);

    /// <summary>Offers <paramref name="value"/> without ever blocking; under <see cref="OverflowPolicy.Wait"/> a full ring returns <see cref="PublishResult.BackPressured"/>, uncounted.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public PublishResult TryOffer(in T value) => OfferCore(in value, wait: false);

    /// <summary>Under <see cref="OverflowPolicy.Conflate"/>, publishes held values while there is room; returns how many are still held.</summary>
    public int Flush()
    {
        if (_conflation is { Count: > 0 })
        {
            FlushSlow();
        }

        return Pending;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private PublishResult OfferCore(in T value, bool wait)
    {
        if (_policy >= OverflowPolicy.Conflate)
        {
            return OfferSpecialSlow(in value);
        }

        PublishResult result = _ring.TryNext(out long sequence);
        if (result == PublishResult.Ok)
        {
            _ring[sequence] = value;
            _ring.Publish(sequence);
            AfterPublish(sequence, 1);
            return PublishResult.Ok;
        }

        return OnRefusedSlow(in value, result, wait);
    }

    /// <summary>Conflate and Sample: the checks that decide whether the offer reaches the ring at all.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private PublishResult OfferSpecialSlow(in T value)
    {
        if (_policy == OverflowPolicy.Sample)
        {
            if (IsPaused && !KeepSample(_sampleEvery))
            {
                return Drop(DropReason.Sampled);
            }
        }
        else if (_conflation!.Count > 0 && !FlushSlow())
        {
            return Conflate(in value);
        }

        PublishResult result = _ring.TryNext(out long sequence);
        if (result == PublishResult.Ok)
        {
            _ring[sequence] = value;
            _ring.Publish(sequence);
            AfterPublish(sequence, 1);
            return PublishResult.Ok;
        }

        return OnRefusedSlow(in value, result, wait: false);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private PublishResult OnRefusedSlow(in T value, PublishResult result, bool wait)
    {
        if (result == PublishResult.Closed)
        {
            return Drop(DropReason.Closed);
        }

        OnFull();
        switch (_policy)
        {
            case OverflowPolicy.Wait:
                return wait ? WaitAndPublish(in value) : PublishResult.BackPressured;
            case OverflowPolicy.Reject:
                return Drop(DropReason.Rejected);
            case OverflowPolicy.Conflate:
                return Conflate(in value);
            default:
                return Drop(DropReason.Full);
        }
    }

    private PublishResult WaitAndPublish(in T value)
    {
        long start = Stopwatch.GetTimestamp();
        var backoff = new ProducerBackoff();
        while (true)
        {
            backoff.Wait();
            PublishResult result = _ring.TryNext(out long sequence);
            if (result == PublishResult.Ok)
            {
                _ring[sequence] = value;
                _ring.Publish(sequence);
                AfterPublish(sequence, 1);
                return PublishResult.Ok;
            }

            if (result == PublishResult.Closed)
            {
                return Drop(DropReason.Closed);
            }

            if (_waitTimeoutTicks >= 0 && Stopwatch.GetTimestamp() - start >= _waitTimeoutTicks)
            {
                return Drop(DropReason.TimedOut);
            }
        }
    }

    private PublishResult Conflate(in T value)
    {
        if (!_conflation!.Put(_key!(in value), in value, out bool replaced))
        {
            return Drop(DropReason.Full);
        }

        if (replaced)
        {
            // The new value is accepted; the older one it replaced is what never reaches the ring.
            Drop(DropReason.Conflated);
        }

        return PublishResult.Ok;
    }

    /// <summary>Publishes held values oldest first while there is room; true when none is left.</summary>
    private bool FlushSlow()
    {
        ConflationBuffer<T> held = _conflation!;
        while (held.Count > 0)
        {
            PublishResult result = _ring.TryNext(out long sequence);
            if (result == PublishResult.BackPressured)
            {
                OnFull();
                return false;
            }

            if (result == PublishResult.Closed)
            {
                DiscardPending();
                return true;
            }

            _ring[sequence] = held.Head;
            _ring.Publish(sequence);
            held.RemoveHead();
            AfterPublish(sequence, 1);
        }

        return true;
    }

    private protected override void DiscardPending()
    {
        if (_conflation is { Count: > 0 } held)
        {
            Drop(DropReason.Closed, held.Count);
            held.Clear();
        }
    }

    private static EventSourceOptions Validated(EventSourceOptions? options, ConflationKey<T>? conflationKey)
    {
        options ??= EventSourceOptions.Default;
        if (options.Policy == OverflowPolicy.Conflate && conflationKey is null)
        {
            ThrowHelper.ThrowOption("conflationKey", null, "is required under OverflowPolicy.Conflate.");
        }

        return options;
    }
}

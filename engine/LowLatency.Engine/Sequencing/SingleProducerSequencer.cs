using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LowLatency.Engine.Waiting;

namespace LowLatency.Engine.Sequencing;

/// <summary>
/// Sequencer for exactly one producer thread: claiming is a plain add against a cached gating value,
/// publishing is one release store of the cursor.
/// </summary>
/// <remarks>
/// Only the producer thread may call the claim and publish methods. The producer-local fields live in a
/// padded block so their writes never invalidate the cache line consumers read the cursor from.
/// </remarks>
public sealed class SingleProducerSequencer : Sequencer
{
    // Producer-thread only: plain loads and stores.
    private ProducerFields _fields;

    /// <summary>Creates a sequencer over a ring of <paramref name="bufferSize"/> slots.</summary>
    public SingleProducerSequencer(int bufferSize, IWaitStrategy waitStrategy)
        : base(bufferSize, waitStrategy)
    {
        _fields.NextValue = Sequence.InitialValue;
        _fields.CachedGating = Sequence.InitialValue;
    }

    /// <inheritdoc/>
    public override long ClaimedSequence => Volatile.Read(ref _fields.NextValue);

    /// <summary>The last claimed sequence: producer thread only (a <see cref="RingProducer{T}"/> starting).</summary>
    internal long ClaimedRelaxed => _fields.NextValue;

    /// <summary>The highest sequence claimable without checking the gating stages again: producer thread only.</summary>
    internal long ClaimLimit => _fields.CachedGating + _bufferSize;

    /// <summary>True when publishing is the cursor's release store alone: no latency stamps, no parked consumers.</summary>
    internal bool PublishIsPlainStore => _stamps is null && !_signalOnPublish;

    /// <summary>Records a claim a <see cref="RingProducer{T}"/> made within <see cref="ClaimLimit"/>: producer thread only.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void SetClaimed(long sequence) => _fields.NextValue = sequence;

    /// <summary>Claims one sequence: the hot path of a per-event producer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long NextOne()
    {
        long next = _fields.NextValue + 1;
        if (next - _bufferSize > _fields.CachedGating || IsClosed)
        {
            WaitForCapacitySlow(next - 1, next - _bufferSize);
        }

        _fields.NextValue = next;
        return next;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override long Next(int n)
    {
        if ((uint)(n - 1) >= (uint)_bufferSize)
        {
            ThrowHelper.ThrowClaimSize(n, _bufferSize);
        }

        long current = _fields.NextValue;
        long next = current + n;
        long wrapPoint = next - _bufferSize;
        if (wrapPoint > _fields.CachedGating || IsClosed)
        {
            WaitForCapacitySlow(current, wrapPoint);
        }

        _fields.NextValue = next;
        return next;
    }

    /// <inheritdoc/>
    public override PublishResult TryNext(int n, out long highSequence)
    {
        if ((uint)(n - 1) >= (uint)_bufferSize)
        {
            ThrowHelper.ThrowClaimSize(n, _bufferSize);
        }

        long current = _fields.NextValue;
        long next = current + n;
        long wrapPoint = next - _bufferSize;
        if (IsClosed)
        {
            highSequence = current;
            return PublishResult.Closed;
        }

        if (wrapPoint > _fields.CachedGating)
        {
            long minSequence = MinimumGatingSequence(current);
            _fields.CachedGating = minSequence;
            if (wrapPoint > minSequence)
            {
                highSequence = current;
                return PublishResult.BackPressured;
            }
        }

        _fields.NextValue = next;
        highSequence = next;
        return PublishResult.Ok;
    }

    /// <summary>
    /// Gives back the claimed sequences above <paramref name="lastKept"/>, none of them published, so the next
    /// claim hands them out again: for a producer that claims a range before it knows how many slots it will
    /// fill (a decoder that may refuse an input). Producer thread only. No consumer can have seen them: they are
    /// above the cursor, which only a publication moves.
    /// </summary>
    /// <param name="lastKept">The highest claimed sequence the producer keeps: at least the cursor (published), at most the last claimed.</param>
    public void ReturnClaims(long lastKept)
    {
        if (lastKept < _cursor.ValueRelaxed || lastKept > _fields.NextValue)
        {
            ThrowHelper.ThrowInvalidOperation($"Cannot return claims above {lastKept}: the cursor is {_cursor.ValueRelaxed} and the last claim {_fields.NextValue}.");
        }

        // Volatile: Occupancy, drains and metrics read the claimed sequence from other threads.
        Volatile.Write(ref _fields.NextValue, lastKept);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void WaitForCapacitySlow(long current, long wrapPoint)
    {
        // Usually the cached gating value is only stale: the consumers have moved on. A ring kept full by a
        // faster producer lands here on most claims, so this check costs no fence and no clock read.
        long minSequence = MinimumGatingSequence(current);
        if (wrapPoint <= minSequence && !IsClosed)
        {
            _fields.CachedGating = minSequence;
            return;
        }

        // StoreLoad: the last publication must be ordered before the gating loads below; pairs with
        // the acquire loads of the cursor in consumers' wait strategies.
        _cursor.SetVolatile(_cursor.ValueRelaxed);
        long start = Stopwatch.GetTimestamp();
        var backoff = new ProducerBackoff();
        while (true)
        {
            if (IsClosed)
            {
                AddBlockedTicks(Stopwatch.GetTimestamp() - start);
                ThrowHelper.ThrowClosed(CloseFault);
            }

            minSequence = MinimumGatingSequence(current);
            if (wrapPoint <= minSequence)
            {
                break;
            }

            backoff.Wait();
        }

        AddBlockedTicks(Stopwatch.GetTimestamp() - start);
        _fields.CachedGating = minSequence;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override void Publish(long sequence)
    {
        // Everything sampled up to this publication: a claim of n may be published by its high sequence.
        _stamps?.StampUpTo(sequence);

        // Release; pairs with the acquire load of the cursor in SequenceBarrier.WaitFor.
        _cursor.SetRelease(sequence);
        SignalIfBlocking();
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override void Publish(long low, long high) => Publish(high);

    /// <inheritdoc/>
    public override bool IsAvailable(long sequence)
    {
        long cursor = _cursor.ValueAcquire;
        return sequence <= cursor && sequence > cursor - _bufferSize;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override long GetHighestPublishedSequence(long low, long available) => available;

    /// <summary>
    /// 56 bytes each side: the two producer fields (16 bytes) then sit alone in their own 64-byte-aligned
    /// cache line pair relative to the object's other fields. Not readonly: the producer mutates it.
    /// </summary>
    [StructLayout(LayoutKind.Explicit, Size = 56 + 16 + 56)]
    private struct ProducerFields
    {
        [FieldOffset(56)] public long NextValue;
        [FieldOffset(64)] public long CachedGating;
    }
}

using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LowLatency.Engine.Waiting;

namespace LowLatency.Engine.Sequencing;

/// <summary>
/// Sequencer for any number of producer threads.
/// </summary>
/// <remarks>
/// <para>
/// Claiming: a producer reads the cursor (highest claimed), checks capacity against the cached gating
/// minimum, and compare-and-sets the cursor forward. A claim is only taken when capacity exists, so a
/// producer released by <see cref="Sequencer.Close"/> never leaves a claimed-but-unpublished hole.
/// </para>
/// <para>
/// Publishing: each slot has an availability flag holding the lap number (<c>sequence &gt;&gt; log2(size)</c>)
/// of the last publication into it, written with a release store. A consumer that saw the cursor at
/// <c>c</c> scans the flags from its next sequence and stops at the first slot whose lap does not match:
/// everything before it is published, and the acquire load of the flag makes the slot's contents visible.
/// </para>
/// </remarks>
public sealed class MultiProducerSequencer : Sequencer
{
    // Written by any producer that refreshed it (release), read by producers on every claim (acquire).
    // Stale values only under-estimate capacity, which is safe.
    private readonly Sequence _gatingCache = new();

    // Slot i holds the lap of its last publication. Written by the publishing producer (release store),
    // read by consumers (acquire load) in GetHighestPublishedSequence.
    private readonly int[] _availableBuffer;
    private readonly int _indexMask;
    private readonly int _indexShift;

    /// <summary>Creates a sequencer over a ring of <paramref name="bufferSize"/> slots.</summary>
    public MultiProducerSequencer(int bufferSize, IWaitStrategy waitStrategy)
        : base(bufferSize, waitStrategy)
    {
        _availableBuffer = new int[bufferSize];
        _availableBuffer.AsSpan().Fill(-1);
        _indexMask = bufferSize - 1;
        _indexShift = BitOperations.Log2((uint)bufferSize);
    }

    /// <inheritdoc/>
    public override long ClaimedSequence => _cursor.ValueAcquire;

    /// <inheritdoc/>
    public override long Next(int n)
    {
        if ((uint)(n - 1) >= (uint)_bufferSize)
        {
            ThrowHelper.ThrowClaimSize(n, _bufferSize);
        }

        PublishResult result = TryClaim(n, out long next);
        return result == PublishResult.Ok ? next : NextSlow(n, result);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private long NextSlow(int n, PublishResult result)
    {
        long start = Stopwatch.GetTimestamp();
        var backoff = new ProducerBackoff();
        while (true)
        {
            if (result == PublishResult.Closed)
            {
                AddBlockedTicks(Stopwatch.GetTimestamp() - start);
                ThrowHelper.ThrowClosed(CloseFault);
            }

            backoff.Wait();
            result = TryClaim(n, out long next);
            if (result == PublishResult.Ok)
            {
                AddBlockedTicks(Stopwatch.GetTimestamp() - start);
                return next;
            }
        }
    }

    /// <inheritdoc/>
    public override PublishResult TryNext(int n, out long highSequence)
    {
        if ((uint)(n - 1) >= (uint)_bufferSize)
        {
            ThrowHelper.ThrowClaimSize(n, _bufferSize);
        }

        return TryClaim(n, out highSequence);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private PublishResult TryClaim(int n, out long highSequence)
    {
        while (true)
        {
            if (IsClosed)
            {
                highSequence = Sequence.InitialValue;
                return PublishResult.Closed;
            }

            long current = _cursor.ValueAcquire;
            long next = current + n;
            long wrapPoint = next - _bufferSize;
            long cachedGating = _gatingCache.ValueAcquire;
            if (wrapPoint > cachedGating || cachedGating > current)
            {
                long gating = MinimumGatingSequence(current);
                if (wrapPoint > gating)
                {
                    highSequence = current;
                    return PublishResult.BackPressured;
                }

                _gatingCache.SetRelease(gating);
            }
            else if (_cursor.CompareAndSet(current, next))
            {
                highSequence = next;
                return PublishResult.Ok;
            }
        }
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override void Publish(long sequence)
    {
        _stamps?.Stamp(sequence, sequence);
        SetAvailable(sequence);
        SignalIfBlocking();
    }

    /// <inheritdoc/>
    public override void Publish(long low, long high)
    {
        _stamps?.Stamp(low, high);
        for (long s = low; s <= high; s++)
        {
            SetAvailable(s);
        }

        SignalIfBlocking();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void SetAvailable(long sequence)
    {
        ref int flag = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_availableBuffer), (int)sequence & _indexMask);

        // Release; pairs with the acquire load in IsAvailableUnchecked.
        Volatile.Write(ref flag, (int)(sequence >>> _indexShift));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool IsAvailableUnchecked(long sequence)
    {
        ref int flag = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_availableBuffer), (int)sequence & _indexMask);
        return Volatile.Read(ref flag) == (int)(sequence >>> _indexShift);
    }

    /// <inheritdoc/>
    public override bool IsAvailable(long sequence) => sequence >= 0 && IsAvailableUnchecked(sequence);

    /// <inheritdoc/>
    public override long GetHighestPublishedSequence(long low, long available)
    {
        for (long sequence = low; sequence <= available; sequence++)
        {
            if (!IsAvailableUnchecked(sequence))
            {
                return sequence - 1;
            }
        }

        return available;
    }
}

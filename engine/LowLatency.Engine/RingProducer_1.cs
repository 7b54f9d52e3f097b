using System.Runtime.CompilerServices;
using LowLatency.Engine.Sequencing;

namespace LowLatency.Engine;

/// <summary>
/// The single producer's handle on a ring for a loop of claims: it keeps the claim state (last claimed
/// sequence, slot base and mask) in locals the JIT keeps in registers, so a one-at-a-time claim + write +
/// publish costs three loads that stay in L1 (cached gating sequence, capacity, closed flag),
/// a compare and the stores themselves.
/// </summary>
/// <remarks>
/// <para>Get one with <see cref="RingBuffer{T}.CreateProducer"/> on a single-producer ring, after metrics are
/// attached (it reads once whether publishing must stamp or signal), and claim only through it while it
/// is in use: <c>var p = ring.CreateProducer(); for (…) { long s = p.Next(); p[s].Price = x; p.Publish(s); }</c>.
/// The sequencer's claimed sequence is kept current (a plain store per claim, on the producer's own cache
/// line), so draining, occupancy and metrics see exactly what they see without the handle.</para>
/// <para>The capacity limit is read from the sequencer on every claim rather than held in the handle: a
/// sixth live value would be spilled to the stack (the slow-path call takes the callee-saved registers),
/// and a spill costs a store per claim where the load costs nothing. When a claim reaches the limit, the
/// handle asks the sequencer, which waits for the gating stages as <see cref="RingBuffer{T}.Next()"/> does
/// and throws <see cref="PipelineClosedException"/> once the ring is closed. End a claim loop on the
/// sequence itself where you can (<c>while (s &lt; last)</c>): a separate counter is one more live value.</para>
/// </remarks>
/// <typeparam name="T">The event type.</typeparam>
public ref struct RingProducer<T>
    where T : struct
{
    private readonly SingleProducerSequencer _sequencer;

    // The cursor when a publication is its release store alone (no latency stamps, no parked consumers to
    // wake); null when publishing goes through the sequencer. One register for both facts.
    private readonly Sequence? _plainCursor;
    private readonly ref T _first;
    private readonly long _mask;

    private long _claimed;

    internal RingProducer(RingBuffer<T> ring, SingleProducerSequencer sequencer)
    {
        _sequencer = sequencer;
        _plainCursor = sequencer.PublishIsPlainStore ? sequencer.Cursor : null;
        _first = ref ring.FirstSlot;
        _mask = ring.IndexMask;
        _claimed = sequencer.ClaimedRelaxed;
    }

    /// <summary>Claims the next sequence, waiting for capacity. Throws <see cref="PipelineClosedException"/> when closed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Next()
    {
        long next = _claimed + 1;
        if (next > _sequencer.ClaimLimit || _sequencer.IsClosed)
        {
            // Static, so the handle's address is never taken and the JIT keeps its fields in registers.
            next = NextSlow(_sequencer);
        }
        else
        {
            _sequencer.SetClaimed(next);
        }

        _claimed = next;
        return next;
    }

    /// <summary>The slot of <paramref name="sequence"/>, written in place.</summary>
    public readonly ref T this[long sequence]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref Unsafe.Add(ref _first, (nint)(sequence & _mask));
    }

    /// <summary>Publishes a claimed sequence (release store of the cursor).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Publish(long sequence)
    {
        if (_plainCursor is { } cursor)
        {
            // Release; pairs with the acquire load of the cursor in SequenceBarrier.WaitFor.
            cursor.SetRelease(sequence);
        }
        else
        {
            _sequencer.Publish(sequence);
        }
    }

    /// <summary>At the cached limit (or closed): the sequencer waits for room or throws.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long NextSlow(SingleProducerSequencer sequencer) => sequencer.NextOne();
}

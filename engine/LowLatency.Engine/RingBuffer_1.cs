using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LowLatency.Engine.Sequencing;
using LowLatency.Engine.Waiting;

namespace LowLatency.Engine;

/// <summary>
/// A pre-allocated ring of <typeparamref name="T"/> slots. Producers claim sequences, write the slots in
/// place through <c>ref T</c>, and publish; consumers read the same slots after the publication.
/// </summary>
/// <remarks>
/// <para>Slots are allocated once; nothing is allocated per event. The slot array is padded with
/// <see cref="Padding"/> unused slots on each side (at least 128 bytes) so the first and last slots never
/// share a cache line pair with the array header or a neighbouring object.</para>
/// <para>Typical producer code: <c>long s = ring.Next(); ring[s].Price = p; ring.Publish(s);</c>, with
/// the publish in a <c>finally</c> if the write can throw: a claimed sequence must be published.</para>
/// </remarks>
/// <typeparam name="T">The event: a user-defined struct.</typeparam>
public sealed class RingBuffer<T>
    where T : struct
{
    // Ceiling division: enough whole slots to cover 128 bytes (two cache lines) whatever the event size.
    private static readonly int s_padding = (128 + Unsafe.SizeOf<T>() - 1) / Unsafe.SizeOf<T>();

    private readonly T[] _entries;
    private readonly long _indexMask;
    private readonly Sequencer _sequencer;

    // The same object as _sequencer when it is the single-producer kind: a sealed type, so claims and
    // publications through it are direct, inlinable calls rather than virtual ones.
    private readonly SingleProducerSequencer? _single;

    /// <summary>Creates a ring over <paramref name="sequencer"/>.</summary>
    public RingBuffer(Sequencer sequencer)
    {
        ArgumentNullException.ThrowIfNull(sequencer);
        _sequencer = sequencer;
        _single = sequencer as SingleProducerSequencer;
        _indexMask = sequencer.BufferSize - 1;
        _entries = new T[sequencer.BufferSize + (2 * s_padding)];
    }

    /// <summary>Creates a single-producer ring of <paramref name="capacity"/> slots.</summary>
    public static RingBuffer<T> CreateSingleProducer(int capacity, IWaitStrategy waitStrategy) =>
        new(new SingleProducerSequencer(capacity, waitStrategy));

    /// <summary>Creates a multi-producer ring of <paramref name="capacity"/> slots.</summary>
    public static RingBuffer<T> CreateMultiProducer(int capacity, IWaitStrategy waitStrategy) =>
        new(new MultiProducerSequencer(capacity, waitStrategy));

    /// <summary>Unused slots on each side of the array (cache-line isolation).</summary>
    internal static int Padding => s_padding;

    /// <summary>Number of slots.</summary>
    public int Capacity => _sequencer.BufferSize;

    /// <summary>The sequencer that hands out this ring's sequences.</summary>
    public Sequencer Sequencer => _sequencer;

    /// <summary>The producer cursor.</summary>
    public Sequence Cursor => _sequencer.Cursor;

    /// <summary>Slots claimed and not yet released by every gating consumer.</summary>
    public long Occupancy => _sequencer.Occupancy;

    /// <summary>True once the ring refuses new claims (draining, stopped or halted).</summary>
    public bool IsClosed => _sequencer.IsClosed;

    /// <summary>The slot of <paramref name="sequence"/>, written or read in place.</summary>
    public ref T this[long sequence]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_entries), s_padding + (nint)(sequence & _indexMask));
    }

    /// <summary>Slot 0, for loops that hoist the array access: slot of s is <c>Unsafe.Add(ref FirstSlot, s &amp; IndexMask)</c>.</summary>
    internal ref T FirstSlot
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_entries), s_padding);
    }

    /// <summary>Capacity − 1.</summary>
    internal long IndexMask => _indexMask;

    /// <summary>
    /// The slots from <paramref name="sequence"/> up to <paramref name="count"/> of them, stopping at the
    /// end of the array: a batch that wraps is two spans.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<T> GetContiguousSpan(long sequence, int count)
    {
        int index = (int)(sequence & _indexMask);
        int length = Math.Min(count, Capacity - index);
        return MemoryMarshal.CreateSpan(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_entries), s_padding + index), length);
    }

    /// <summary>
    /// A handle for the ring's only producer that keeps the claim state in registers across a loop of
    /// claims (see <see cref="RingProducer{T}"/>). Throws on a multi-producer ring.
    /// </summary>
    public RingProducer<T> CreateProducer()
    {
        if (_single is null)
        {
            ThrowHelper.ThrowInvalidOperation("A producer handle is for a single-producer ring; a multi-producer ring claims through Next.");
        }

        return new RingProducer<T>(this, _single);
    }

    /// <summary>Claims the next slot, waiting for capacity. Throws <see cref="PipelineClosedException"/> when closed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Next() => _single is { } single ? single.NextOne() : _sequencer.Next(1);

    /// <summary>Claims <paramref name="n"/> slots and returns the highest sequence, waiting for capacity.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Next(int n) => _single is { } single ? single.Next(n) : _sequencer.Next(n);

    /// <summary>Claims one slot if there is room now. Never blocks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public PublishResult TryNext(out long sequence) => TryNext(1, out sequence);

    /// <summary>Claims <paramref name="n"/> slots if there is room now. Never blocks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public PublishResult TryNext(int n, out long highSequence) =>
        _single is { } single ? single.TryNext(n, out highSequence) : _sequencer.TryNext(n, out highSequence);

    /// <summary>Claims <paramref name="n"/> slots, waiting at most <paramref name="timeout"/> for room.</summary>
    public PublishResult TryNext(int n, TimeSpan timeout, out long highSequence) => _sequencer.TryNext(n, timeout, out highSequence);

    /// <summary>Publishes a claimed sequence.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Publish(long sequence)
    {
        if (_single is { } single)
        {
            single.Publish(sequence);
        }
        else
        {
            _sequencer.Publish(sequence);
        }
    }

    /// <summary>Publishes claimed sequences <paramref name="low"/> through <paramref name="high"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Publish(long low, long high)
    {
        if (_single is { } single)
        {
            single.Publish(high);
        }
        else
        {
            _sequencer.Publish(low, high);
        }
    }

    /// <summary>Copies <paramref name="value"/> into the next slot and publishes it, waiting for capacity.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Publish(in T value)
    {
        long sequence = Next();
        this[sequence] = value;
        Publish(sequence);
    }

    /// <summary>Copies <paramref name="value"/> into the next slot and publishes it if there is room now.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public PublishResult TryPublish(in T value)
    {
        PublishResult result = TryNext(out long sequence);
        if (result == PublishResult.Ok)
        {
            this[sequence] = value;
            Publish(sequence);
        }

        return result;
    }

    /// <summary>Copies <paramref name="values"/> into consecutive slots and publishes them as one batch.</summary>
    public void PublishBatch(ReadOnlySpan<T> values)
    {
        if (values.IsEmpty)
        {
            return;
        }

        Debug.Assert(values.Length <= Capacity, "a batch larger than the ring can never be claimed");
        long high = _sequencer.Next(values.Length);
        long low = high - values.Length + 1;
        for (int i = 0; i < values.Length; i++)
        {
            this[low + i] = values[i];
        }

        _sequencer.Publish(low, high);
    }
}

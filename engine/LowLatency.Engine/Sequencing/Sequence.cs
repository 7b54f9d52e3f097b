using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LowLatency.Engine.Sequencing;

/// <summary>
/// A cache-line padded 64-bit sequence counter: the cursor of a producer or the progress of a stage.
/// </summary>
/// <remarks>
/// <para>
/// The value sits at offset 120 of a 248-byte block: 120 bytes of padding on each side. The value is
/// 8-byte aligned, so nothing else can share the 128-byte pair of cache lines that Intel's
/// adjacent-line prefetcher pulls in together (any 8-aligned offset k·8 ≤ 120 leaves ≥ 121 bytes
/// before the value outside its pair, and 120 bytes after covers the rest). <c>SequenceLayoutTests</c>
/// proves the offsets.
/// </para>
/// <para>
/// Accessors name their ordering: <see cref="ValueAcquire"/> (acquire load), <see cref="SetRelease"/>
/// (release store, the publication of everything written before it), <see cref="SetVolatile"/>
/// (release store followed by a full fence, for StoreLoad ordering), <see cref="CompareAndSet"/> and
/// <see cref="AddAndGet"/> (full fences). <see cref="ValueRelaxed"/> is a plain load for the owning thread.
/// </para>
/// </remarks>
[StructLayout(LayoutKind.Explicit, Size = PaddedSize)]
public sealed class Sequence
{
    /// <summary>The value of a sequence before anything was claimed or processed.</summary>
    public const long InitialValue = -1;

    internal const int PaddingBytes = 120;
    internal const int PaddedSize = PaddingBytes + sizeof(long) + PaddingBytes;

    // Written by the owner (SetRelease/SetVolatile) or any producer (CompareAndSet/AddAndGet);
    // read by every thread that gates on it (ValueAcquire).
    [FieldOffset(PaddingBytes)]
    private long _value;

    // The runtime sizes a class by its last field, not by StructLayout.Size: without this field the object
    // would end 8 bytes after the value and the next object on the heap would share its cache line.
    [FieldOffset(PaddedSize - sizeof(long))]
    private readonly long _trailingPadding;

    /// <summary>Creates a sequence at <paramref name="initialValue"/>.</summary>
    public Sequence(long initialValue = InitialValue) => _value = initialValue;

    /// <summary>Acquire load: everything the writer did before its release store is visible after this.</summary>
    public long ValueAcquire
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Volatile.Read(ref _value);
    }

    /// <summary>Plain load, for the single thread that owns and writes this sequence.</summary>
    public long ValueRelaxed
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _value;
    }

    /// <summary>Release store: publishes every write made before it to a reader's <see cref="ValueAcquire"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SetRelease(long value) => Volatile.Write(ref _value, value);

    /// <summary>Release store followed by a full fence, so later loads cannot move before the store.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SetVolatile(long value) => Interlocked.Exchange(ref _value, value);

    /// <summary>Atomically sets the value to <paramref name="newValue"/> if it is <paramref name="expected"/>. Full fence.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool CompareAndSet(long expected, long newValue) =>
        Interlocked.CompareExchange(ref _value, newValue, expected) == expected;

    /// <summary>Atomically adds <paramref name="delta"/> and returns the new value. Full fence.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long AddAndGet(long delta) => Interlocked.Add(ref _value, delta);

    /// <summary>The smallest value of <paramref name="sequences"/>, or <paramref name="minimum"/> if that is smaller or the set is empty.</summary>
    public static long Minimum(Sequence[] sequences, long minimum = long.MaxValue)
    {
        for (int i = 0; i < sequences.Length; i++)
        {
            long value = sequences[i].ValueAcquire;
            if (value < minimum)
            {
                minimum = value;
            }
        }

        return minimum;
    }

    /// <inheritdoc/>
    public override string ToString() => ValueAcquire.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

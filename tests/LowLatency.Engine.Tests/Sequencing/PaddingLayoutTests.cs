using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LowLatency.Engine.Sequencing;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Sequencing;

/// <summary>Padding is proved, not trusted: the runtime's real field offsets.</summary>
public sealed class PaddingLayoutTests
{
    private sealed class RawObject
    {
        public byte Data;
    }

    [Test]
    public void Sequence_ValueHas120BytesOfPaddingOnEachSide()
    {
        var sequence = new Sequence(42);
        ref byte objectData = ref Unsafe.As<RawObject>(sequence).Data;
        ref long value = ref Unsafe.As<byte, long>(ref Unsafe.Add(ref objectData, Sequence.PaddingBytes));
        long atOffset = value;
        Assert.Multiple(() =>
        {
            Assert.That(atOffset, Is.EqualTo(42), "the value sits at byte 120 of the object's fields");
            Assert.That(typeof(Sequence).StructLayoutAttribute!.Size, Is.EqualTo(248), "120 + 8 + 120");
            Assert.That(Marshal.OffsetOf<Sequence>("_value"), Is.EqualTo((nint)120));
        });

        sequence.SetRelease(7);
        Assert.That(value, Is.EqualTo(7), "the accessor and the padded offset are the same field");
    }

    [Test]
    public void Sequence_InstanceReallyOccupiesThePaddedSize()
    {
        // StructLayout.Size alone does not size a class; what the allocator hands out is the truth.
        _ = new Sequence();
        long before = GC.GetAllocatedBytesForCurrentThread();
        var sequence = new Sequence();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        GC.KeepAlive(sequence);
        Assert.That(allocated, Is.GreaterThanOrEqualTo(2 * IntPtr.Size + Sequence.PaddedSize), "object header + method table + 248 bytes of fields");
    }

    [Test]
    public void SingleProducerSequencer_ProducerFieldsArePaddedFromTheRestOfTheObject()
    {
        Type fields = typeof(SingleProducerSequencer).GetNestedType("ProducerFields", System.Reflection.BindingFlags.NonPublic)!;
        Assert.Multiple(() =>
        {
            Assert.That(fields.StructLayoutAttribute!.Size, Is.EqualTo(128), "56 + 16 + 56");
            Assert.That(Marshal.OffsetOf(fields, "NextValue"), Is.EqualTo((nint)56));
            Assert.That(Marshal.OffsetOf(fields, "CachedGating"), Is.EqualTo((nint)64));
        });
    }

    [Test]
    public void RingBuffer_SlotsArePaddedByAtLeast128BytesOnEachSide()
    {
        Assert.Multiple(() =>
        {
            Assert.That(RingBuffer<Slot>.Padding * Unsafe.SizeOf<Slot>(), Is.GreaterThanOrEqualTo(128));
            Assert.That(RingBuffer<StressEvent>.Padding * Unsafe.SizeOf<StressEvent>(), Is.GreaterThanOrEqualTo(128));
        });
    }
}

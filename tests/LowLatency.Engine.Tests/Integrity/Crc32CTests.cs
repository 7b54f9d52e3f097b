using System.Buffers;
using System.Text;
using LowLatency.Engine.Integrity;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Integrity;

public sealed class Crc32CTests
{
    [Test]
    public void Compute_Rfc3720CheckString_ReturnsCheckValue()
    {
        Assert.That(Crc32C.Compute("123456789"u8), Is.EqualTo(0xE3069283u));
    }

    // RFC 3720 appendix B.4: 32 bytes of zeros, of ones, incrementing and decrementing (the RFC prints
    // the CRC bytes as they go on the wire, least significant first; these are the same values as u32).
    [TestCase(0x00, 0, 0x8A9136AAu)]
    [TestCase(0xFF, 0, 0x62A8AB43u)]
    [TestCase(-1, 0, 0x46DD794Eu)]
    [TestCase(-1, 1, 0x113FDB5Cu)]
    public void Compute_Rfc3720Vectors_MatchTheRfc(int fill, int descending, uint expected)
    {
        byte[] data = new byte[32];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = fill >= 0 ? (byte)fill : (byte)(descending == 1 ? 31 - i : i);
        }

        Assert.That(Crc32C.Compute(data), Is.EqualTo(expected));
    }

    [Test]
    public void Compute_Empty_ReturnsZero()
    {
        Assert.That(Crc32C.Compute([]), Is.EqualTo(0u));
    }

    [Test]
    public void Append_AnySplit_EqualsComputeOfTheWhole()
    {
        byte[] data = Encoding.ASCII.GetBytes("The quick brown fox jumps over the lazy dog, 0123456789 times.");
        uint whole = Crc32C.Compute(data);
        for (int split = 0; split <= data.Length; split++)
        {
            Assert.That(Crc32C.Append(Crc32C.Compute(data.AsSpan(0, split)), data.AsSpan(split)), Is.EqualTo(whole), $"split at {split}");
        }
    }

    [Test]
    public void Append_MultiSegmentSequence_EqualsComputeOfTheWhole()
    {
        byte[] data = new byte[1000];
        new Random(17).NextBytes(data);
        var first = new Segment(data.AsMemory(0, 333));
        Segment last = first.Append(data.AsMemory(333, 5)).Append(data.AsMemory(338, 662));
        var sequence = new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);

        Assert.That(Crc32C.Append(0, sequence), Is.EqualTo(Crc32C.Compute(data)));
    }

    [Test]
    public void Compute_AnySingleBitFlip_ChangesTheValue()
    {
        byte[] data = new byte[64];
        new Random(3720).NextBytes(data);
        uint original = Crc32C.Compute(data);
        for (int bit = 0; bit < data.Length * 8; bit++)
        {
            data[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.That(Crc32C.Compute(data), Is.Not.EqualTo(original), $"bit {bit}");
            data[bit / 8] ^= (byte)(1 << (bit % 8));
        }
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}

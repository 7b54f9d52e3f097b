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

    /// <summary>Every length around the three-lane stripes (768 bytes) against a bit-at-a-time reference.</summary>
    [Test]
    public void Compute_LengthsAcrossTheStripedLoop_MatchBitwiseReference()
    {
        byte[] data = new byte[3 * 768 + 40];
        new Random(768).NextBytes(data);
        for (int length = 0; length <= data.Length; length += length < 800 ? 1 : 7)
        {
            Assert.That(Crc32C.Compute(data.AsSpan(0, length)), Is.EqualTo(Bitwise(data.AsSpan(0, length))), $"length {length}");
        }

        Assert.That(Crc32C.Compute(data.AsSpan(3, 1600)), Is.EqualTo(Bitwise(data.AsSpan(3, 1600))), "unaligned start");
    }

    /// <summary>Each path on its own (the public entry picks one per CPU), where this CPU has it.</summary>
    [TestCase("lanes")]
    [TestCase("fold")]
    [TestCase("fold-wide")]
    public void EveryPath_LengthsAcrossItsLoops_MatchBitwiseReference(string path)
    {
        Assume.That(path == "lanes" || System.Runtime.Intrinsics.X86.Pclmulqdq.IsSupported, "no PCLMULQDQ on this CPU");
        Assume.That(path != "fold-wide" || System.Runtime.Intrinsics.X86.Pclmulqdq.V512.IsSupported, "no VPCLMULQDQ on this CPU");
        byte[] data = new byte[2100];
        new Random(17).NextBytes(data);
        for (int length = path == "lanes" ? 0 : 64; length <= data.Length; length += length < 600 ? 1 : 13)
        {
            ReadOnlySpan<byte> piece = data.AsSpan(1, Math.Min(length, data.Length - 1));
            uint raw = path == "lanes"
                ? Crc32C.UpdateWithLanes(0xFFFFFFFF, piece)
                : Crc32C.UpdateFolding(0xFFFFFFFF, piece, wide: path == "fold-wide");
            Assert.That(~raw, Is.EqualTo(Bitwise(piece)), $"{path}, length {piece.Length}");
        }
    }

    private static uint Bitwise(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78 : crc >> 1;
            }
        }

        return ~crc;
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

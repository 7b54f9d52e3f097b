using System.Text;
using K4os.Compression.LZ4;
using LowLatency.Adapters.Sockets;
using NUnit.Framework;

namespace LowLatency.Adapters.Tests.Sockets;

[CancelAfter(10_000)]
public sealed class WireFormatTests
{
    [Test]
    public void WriteHello_ReadmeInputs_MatchesReadmeVector()
    {
        byte[] frame = new byte[64];
        int length = WireFormat.WriteHello(frame, 0x0102030405060708, 7, 8, SessionRole.Publisher, Encoding.ASCII.GetBytes("abc"));
        Assert.That(ReadmeVectors.Hex(frame.AsSpan(0, length)), Is.EqualTo(ReadmeVectors.Hello));
    }

    [Test]
    public void WriteWelcome_NewSession_MatchesReadmeVector()
    {
        byte[] frame = new byte[64];
        int length = WireFormat.WriteWelcome(frame, 0x0102030405060708, -1, -1);
        Assert.That(ReadmeVectors.Hex(frame.AsSpan(0, length)), Is.EqualTo(ReadmeVectors.Welcome));
    }

    [Test]
    public void WriteBatch_TwoEvents_MatchesReadmeVector()
    {
        Assert.That(ReadmeVectors.Hex(RawClient.Batch(0, [0x11, 0x22])), Is.EqualTo(ReadmeVectors.Batch));
    }

    [Test]
    public void Lz4Vector_Decodes_ToFourZeroEventsFromSequenceTwo()
    {
        byte[] frame = ReadmeVectors.Bytes(ReadmeVectors.BatchLz4);
        FrameHeader header = FrameHeader.Read(frame);
        byte[] plain = new byte[header.UncompressedLength];
        int decoded = LZ4Codec.Decode(frame.AsSpan(WireFormat.HeaderSize, header.PayloadLength), plain);
        byte[] expected = new byte[52];
        WireFormat.WriteBatchHeader(expected, 2, 4, 8);
        WireFormat.SealBatch(expected);
        Assert.Multiple(() =>
        {
            Assert.That(header.Validate(1 << 20, 1 << 20), Is.EqualTo(DisconnectReason.None));
            Assert.That(header.Flags, Is.EqualTo(FrameFlags.Lz4));
            Assert.That(decoded, Is.EqualTo(52));
            Assert.That(plain, Is.EqualTo(expected));
        });
    }

    [Test]
    public void WriteAck_HeartbeatAndClose_MatchReadmeVectors()
    {
        byte[] frame = new byte[64];
        int ack = WireFormat.WriteAck(frame, 5);
        string ackHex = ReadmeVectors.Hex(frame.AsSpan(0, ack));
        int heartbeat = WireFormat.WriteHeartbeat(frame);
        string heartbeatHex = ReadmeVectors.Hex(frame.AsSpan(0, heartbeat));
        int close = WireFormat.WriteClose(frame, DisconnectReason.FrameTooLarge);
        string closeHex = ReadmeVectors.Hex(frame.AsSpan(0, close));
        Assert.Multiple(() =>
        {
            Assert.That(ackHex, Is.EqualTo(ReadmeVectors.Ack));
            Assert.That(heartbeatHex, Is.EqualTo(ReadmeVectors.Heartbeat));
            Assert.That(closeHex, Is.EqualTo(ReadmeVectors.Close));
        });
    }

    [TestCase(unchecked((int)0x80000000), DisconnectReason.FrameTooLarge)]
    [TestCase(-1, DisconnectReason.FrameTooLarge)]
    [TestCase(1025, DisconnectReason.FrameTooLarge)]
    [TestCase(1024, DisconnectReason.None)]
    public void Validate_PayloadLength_ChecksLimitOnHeader(int length, DisconnectReason expected)
    {
        byte[] header = new byte[WireFormat.HeaderSize];
        WireFormat.WriteHeader(header, FrameType.Batch, FrameFlags.None, length, length);
        Assert.That(FrameHeader.Read(header).Validate(1024, 1024), Is.EqualTo(expected));
    }

    [TestCase(0, (byte)0x4D, DisconnectReason.BadMagic)]
    [TestCase(2, (byte)0x01, DisconnectReason.UnsupportedVersion)]
    [TestCase(2, (byte)0x03, DisconnectReason.UnsupportedVersion)]
    [TestCase(3, (byte)0x07, DisconnectReason.UnknownFrameType)]
    [TestCase(3, (byte)0x00, DisconnectReason.UnknownFrameType)]
    [TestCase(4, (byte)0x02, DisconnectReason.ReservedBitsSet)]
    [TestCase(6, (byte)0x01, DisconnectReason.ReservedBitsSet)]
    public void Validate_CorruptHeaderByte_NamesTheRule(int offset, byte value, DisconnectReason expected)
    {
        byte[] frame = ReadmeVectors.Bytes(ReadmeVectors.Batch);
        frame[offset] = value;
        Assert.That(FrameHeader.Read(frame).Validate(1024, 1024), Is.EqualTo(expected));
    }

    [Test]
    public void Validate_Lz4ClaimingOneGiB_RefusedOnHeader()
    {
        byte[] header = new byte[WireFormat.HeaderSize];
        WireFormat.WriteHeader(header, FrameType.Batch, FrameFlags.Lz4, 100, 1 << 30);
        Assert.That(FrameHeader.Read(header).Validate(1 << 20, 1 << 20), Is.EqualTo(DisconnectReason.DecompressedTooLarge));
    }

    [Test]
    public void Validate_RandomHeaders_OnlyDocumentedReasons()
    {
        int seed = Environment.TickCount;
        var random = new Random(seed);
        byte[] header = new byte[WireFormat.HeaderSize];
        var reasons = new HashSet<DisconnectReason>();
        for (int i = 0; i < 100_000; i++)
        {
            random.NextBytes(header);
            if (i % 2 == 0)
            {
                header[0] = 0x4C;
                header[1] = 0x4C;
                header[2] = WireFormat.Version;
            }

            reasons.Add(FrameHeader.Read(header).Validate(1 << 20, 1 << 20));
        }

        Assert.That(reasons, Is.All.Matches<DisconnectReason>(Enum.IsDefined), $"seed {seed}");
    }
}

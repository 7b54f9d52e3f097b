using System.Buffers;
using System.Net.Sockets;
using K4os.Compression.LZ4;
using LowLatency.Adapters.Sockets;
using LowLatency.Engine;
using LowLatency.Engine.Waiting;
using NUnit.Framework;

namespace LowLatency.Adapters.Tests.Sockets;

/// <summary>The decode path (header checks, LZ4, dedup, claim, decode into slots, publish) allocates nothing per event.</summary>
[CancelAfter(20_000)]
public sealed class SourceDecodeAllocationTests
{
    private const int Frames = 16;
    private const int PerFrame = 64;

    [TestCase(false, 0)]
    [TestCase(false, 100)]
    [TestCase(true, 0)]
    [TestCase(true, 100)]
    public void Step_SteadyState_AllocatesNothing(bool lz4, int segmentSize)
    {
        var ring = RingBuffer<LongEvent>.CreateMultiProducer(1 << 12, new BlockingWaitStrategy());
        var source = new TcpSource<LongEvent, LongCodec>(ring, default, TcpSourceOptions.Default);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        var connection = new SourceConnection<LongEvent, LongCodec>(source, socket, default, null);
        var session = new SessionState(1);
        connection.AttachSessionUnsynchronized(session);

        long next = 0;
        byte[] bytes = BuildFrames(lz4, ref next);
        Run(connection, bytes, segmentSize);
        bytes = BuildFrames(lz4, ref next);
        ReadOnlySequence<byte> buffer = segmentSize == 0 ? new ReadOnlySequence<byte>(bytes) : Segment.Split(bytes, segmentSize);

        long before = GC.GetAllocatedBytesForCurrentThread();
        FrameStep step;
        do
        {
            step = connection.Step(ref buffer);
        }
        while (step == FrameStep.Continue);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Multiple(() =>
        {
            Assert.That(step, Is.EqualTo(FrameStep.NeedMore));
            Assert.That(buffer.Length, Is.Zero);
            Assert.That(allocated, Is.Zero);
            Assert.That(session.AcceptedSequence, Is.EqualTo((2L * Frames * PerFrame) - 1));
            Assert.That(ring[ring.Cursor.ValueAcquire].Value, Is.EqualTo((2L * Frames * PerFrame) - 1));
        });
    }

    private static void Run(SourceConnection<LongEvent, LongCodec> connection, byte[] bytes, int segmentSize)
    {
        ReadOnlySequence<byte> buffer = segmentSize == 0 ? new ReadOnlySequence<byte>(bytes) : Segment.Split(bytes, segmentSize);
        while (connection.Step(ref buffer) == FrameStep.Continue)
        {
        }
    }

    private static byte[] BuildFrames(bool lz4, ref long next)
    {
        using var stream = new MemoryStream();
        long[] values = new long[PerFrame];
        for (int f = 0; f < Frames; f++)
        {
            for (int i = 0; i < PerFrame; i++)
            {
                values[i] = next + i;
            }

            byte[] frame = RawClient.Batch(next, values);
            next += PerFrame;
            if (lz4)
            {
                byte[] plain = frame[WireFormat.HeaderSize..];
                byte[] packed = new byte[LZ4Codec.MaximumOutputSize(plain.Length)];
                int length = LZ4Codec.Encode(plain, packed);
                frame = new byte[WireFormat.HeaderSize + length];
                WireFormat.WriteHeader(frame, FrameType.Batch, FrameFlags.Lz4, length, plain.Length);
                packed.AsSpan(0, length).CopyTo(frame.AsSpan(WireFormat.HeaderSize));
            }

            stream.Write(frame);
        }

        return stream.ToArray();
    }
}

using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using K4os.Compression.LZ4;
using LowLatency.Adapters.Sockets;
using LowLatency.Engine;
using LowLatency.Engine.Waiting;
using NUnit.Framework;

namespace LowLatency.Adapters.Tests.Sockets;

/// <summary>
/// Wire format v2's batch checksum: corrupted payloads (including LZ4 blocks that decode to exactly their
/// declared size) are refused with <see cref="DisconnectReason.ChecksumMismatch"/> before any event is
/// published; and the v1/v2 negotiation, both ways.
/// </summary>
public sealed class WireIntegrityTests
{
    private const int Mutations = 3000;

    private static readonly TcpSourceOptions s_options = TcpSourceOptions.Default with
    {
        SchemaId = 7,
        AuthToken = Encoding.ASCII.GetBytes("abc"),
        AckInterval = TimeSpan.FromMilliseconds(1),
    };

    /// <summary>The README's LZ4 vector with its match offset (block bytes 19–20) set to 0: a corrupt block that decodes to exactly 52 bytes.</summary>
    private static byte[] OffsetZeroBlock()
    {
        byte[] frame = ReadmeVectors.Bytes(ReadmeVectors.BatchLz4);
        Assert.That(frame.AsSpan(WireFormat.HeaderSize + 19, 2).ToArray(), Is.EqualTo(new byte[] { 0x01, 0x00 }), "the vector's match offset");
        frame[WireFormat.HeaderSize + 19] = 0;
        return frame;
    }

    private static byte[] Lz4Batch(long first, ReadOnlySpan<long> values)
    {
        byte[] plain = RawClient.Batch(first, values)[WireFormat.HeaderSize..];
        byte[] packed = new byte[LZ4Codec.MaximumOutputSize(plain.Length)];
        int length = LZ4Codec.Encode(plain, packed);
        Assert.That(length, Is.LessThan(plain.Length), "the sample compresses");
        byte[] frame = new byte[WireFormat.HeaderSize + length];
        WireFormat.WriteHeader(frame, FrameType.Batch, FrameFlags.Lz4, length, plain.Length);
        packed.AsSpan(0, length).CopyTo(frame.AsSpan(WireFormat.HeaderSize));
        return frame;
    }

    private static long[] Repeated(long value, int count) => Enumerable.Repeat(value, count).ToArray();

    /// <summary>A source connection driven synchronously (no socket I/O) over a session that has accepted nothing.</summary>
    private sealed class Decoder : IDisposable
    {
        private readonly Socket _socket = new(SocketType.Stream, ProtocolType.Tcp);

        public Decoder()
        {
            Ring = RingBuffer<LongEvent>.CreateMultiProducer(1 << 10, new BlockingWaitStrategy());
            var source = new TcpSource<LongEvent, LongCodec>(Ring, default, s_options);
            Connection = new SourceConnection<LongEvent, LongCodec>(source, _socket, default, null);
            Session = new SessionState(1);
            Connection.AttachSessionUnsynchronized(Session);
        }

        public RingBuffer<LongEvent> Ring { get; }

        public SourceConnection<LongEvent, LongCodec> Connection { get; }

        public SessionState Session { get; }

        public long Published => Ring.Cursor.ValueAcquire + 1;

        /// <summary>Steps through every frame of <paramref name="bytes"/>; the reason of the first error, or None.</summary>
        public DisconnectReason Feed(byte[] bytes)
        {
            var buffer = new ReadOnlySequence<byte>(bytes);
            while (true)
            {
                switch (Connection.Step(ref buffer))
                {
                    case FrameStep.Continue:
                        continue;
                    case FrameStep.Error:
                        return Connection.Error;
                    case FrameStep.NeedMore when buffer.Length == 0:
                        return DisconnectReason.None;
                    case var other:
                        Assert.Fail($"unexpected step {other}");
                        return DisconnectReason.None;
                }
            }
        }

        public void Dispose() => _socket.Dispose();
    }

    [Test]
    public void Step_Lz4MatchOffsetZero_RefusedWithChecksumMismatchNothingPublished()
    {
        using var decoder = new Decoder();
        // A first batch leaves non-zero bytes in the inflate buffer: what an offset-0 match "copies".
        Assert.That(decoder.Feed(Lz4Batch(0, Repeated(0x1111111111111111, 64))), Is.EqualTo(DisconnectReason.None));
        byte[] corrupt = OffsetZeroBlock();
        byte[] decoded = new byte[52];
        Assume.That(LZ4Codec.Decode(corrupt.AsSpan(WireFormat.HeaderSize), decoded), Is.EqualTo(52), "the corrupt block decodes to exactly its declared size");

        DisconnectReason reason = decoder.Feed(corrupt);

        Assert.Multiple(() =>
        {
            Assert.That(reason, Is.EqualTo(DisconnectReason.ChecksumMismatch));
            Assert.That(decoder.Published, Is.EqualTo(64));
            Assert.That(decoder.Session.AcceptedSequence, Is.EqualTo(63));
        });
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task Source_Lz4MatchOffsetZero_ClosedWithChecksumMismatchCountedNothingPublished()
    {
        await using var h = Harness<LongEvent, LongCodec>.Start(s_options);
        using var client = await RawClient.ConnectAsync(h.Endpoint);
        await client.SendAsync(RawClient.Hello(9, 8, 7, "abc"));
        await client.ReadFrameAsync();
        await client.SendAsync(Lz4Batch(0, Repeated(0x2222222222222222, 2)));
        await client.SendAsync(OffsetZeroBlock());

        Assert.That(await client.ReadCloseReasonAsync(), Is.EqualTo(DisconnectReason.ChecksumMismatch));
        await Eventually.Until(() => h.Metrics.Disconnects(DisconnectReason.ChecksumMismatch) == 1, "the checksum counter");
        await h.Pipeline.DrainAsync();
        Assert.Multiple(() =>
        {
            Assert.That(h.Collected.Snapshot().Select(e => e.Value), Is.EqualTo(Repeated(0x2222222222222222, 2)));
            Assert.That(h.Metrics.EventsPublished, Is.EqualTo(2));
        });
    }

    [Test]
    public void Step_RandomCorruptionsOfAPlainBatch_EveryOneRefusedWithChecksumMismatch()
    {
        int seed = Environment.TickCount;
        var random = new Random(seed);
        byte[] original = RawClient.Batch(0, [1, 2, 3, 4, 5, 6, 7, 8]);
        for (int m = 0; m < Mutations; m++)
        {
            byte[] frame = (byte[])original.Clone();
            Mutate(frame, random);
            using var decoder = new Decoder();

            DisconnectReason reason = decoder.Feed(frame);

            Assert.That(reason, Is.EqualTo(DisconnectReason.ChecksumMismatch), $"seed {seed}, mutation {m}: {ReadmeVectors.Hex(frame)}");
            Assert.That(decoder.Published, Is.Zero, $"seed {seed}, mutation {m}");
        }
    }

    [Test]
    public void Step_RandomCorruptionsOfAnLz4Batch_RefusedOrDecodedToTheSentEvents()
    {
        int seed = Environment.TickCount;
        var random = new Random(seed);
        long[] values = [.. Enumerable.Range(0, 64).Select(i => (long)(i % 5))];
        byte[] original = Lz4Batch(0, values);
        var reasons = new Dictionary<DisconnectReason, int>();
        for (int m = 0; m < Mutations; m++)
        {
            byte[] frame = (byte[])original.Clone();
            Mutate(frame, random);
            using var decoder = new Decoder();

            DisconnectReason reason = decoder.Feed(frame);

            reasons[reason] = reasons.GetValueOrDefault(reason) + 1;
            if (reason == DisconnectReason.None)
            {
                // A mutation LZ4 absorbs (say, a match offset moved to identical bytes) decodes to what was sent.
                long[] published = [.. Enumerable.Range(0, (int)decoder.Published).Select(i => decoder.Ring[i].Value)];
                Assert.That(published, Is.EqualTo(values), $"seed {seed}, mutation {m}: accepted, so it must be what was sent");
                continue;
            }

            Assert.That(reason, Is.AnyOf(DisconnectReason.ChecksumMismatch, DisconnectReason.CompressionError), $"seed {seed}, mutation {m}");
            Assert.That(decoder.Published, Is.Zero, $"seed {seed}, mutation {m}");
        }

        // Literal bytes and match lengths that keep the size are common mutations: only the checksum sees them.
        Assert.That(reasons.GetValueOrDefault(DisconnectReason.ChecksumMismatch), Is.GreaterThan(0), $"seed {seed}: {string.Join(", ", reasons)}");
    }

    /// <summary>Changes 1 to 4 payload bytes (the header is left valid: its own checks are tested elsewhere).</summary>
    /// <summary>Changes 1 to 4 distinct bytes after the header, each to another value, so the frame always differs from what was sent.</summary>
    private static void Mutate(byte[] frame, Random random)
    {
        int changes = random.Next(1, 5);
        var changed = new HashSet<int>();
        while (changed.Count < changes)
        {
            int at = random.Next(WireFormat.HeaderSize, frame.Length);
            if (!changed.Add(at))
            {
                continue; // a second change at one place could put its byte back
            }

            frame[at] = (byte)(frame[at] + 1 + random.Next(255)); // never the byte it was
        }
    }

    [Test]
    public void Step_CorruptChecksumAndWrongEventSize_ChecksumNamedFirst()
    {
        using var decoder = new Decoder();
        byte[] frame = RawClient.Batch(0, [1, 2]);
        BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(WireFormat.HeaderSize + 12), 4);
        Assert.That(decoder.Feed(frame), Is.EqualTo(DisconnectReason.ChecksumMismatch));
    }

    [Test]
    public void Step_ValidChecksumWrongEventSize_MalformedPayload()
    {
        using var decoder = new Decoder();
        byte[] frame = RawClient.Batch(0, [1, 2]);
        BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(WireFormat.HeaderSize + 12), 4);
        WireFormat.SealBatch(frame.AsSpan(WireFormat.HeaderSize));
        Assert.Multiple(() =>
        {
            Assert.That(decoder.Feed(frame), Is.EqualTo(DisconnectReason.MalformedPayload));
            Assert.That(decoder.Published, Is.Zero);
        });
    }

    [Test]
    public void Step_SequenceRangeOverflowingI64_MalformedPayload()
    {
        using var decoder = new Decoder();
        byte[] frame = RawClient.Batch(long.MaxValue - 1, [1, 2]);
        Assert.That(decoder.Feed(frame), Is.EqualTo(DisconnectReason.MalformedPayload));
    }

    [Test]
    public void Step_CloseWithReservedBytesSet_ReservedBitsSet()
    {
        using var decoder = new Decoder();
        byte[] close = ReadmeVectors.Bytes(ReadmeVectors.Close);
        close[WireFormat.HeaderSize + 3] = 1;
        Assert.That(decoder.Feed(close), Is.EqualTo(DisconnectReason.ReservedBitsSet));
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task HeartbeatBeforeHello_Accepted_HandshakeStillTimesOut()
    {
        await using var h = Harness<LongEvent, LongCodec>.Start(s_options with { HandshakeTimeout = TimeSpan.FromMilliseconds(300), WatchdogPeriod = TimeSpan.FromMilliseconds(20) });
        using var client = await RawClient.ConnectAsync(h.Endpoint);
        await client.SendAsync(ReadmeVectors.Bytes(ReadmeVectors.Heartbeat));
        await client.SendAsync(ReadmeVectors.Bytes(ReadmeVectors.Heartbeat));
        Assert.That(await client.ReadCloseReasonAsync(), Is.EqualTo(DisconnectReason.HandshakeTimeout));
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task V1Publisher_ToV2Source_RefusedWithUnsupportedVersionInAV1Close()
    {
        await using var h = Harness<LongEvent, LongCodec>.Start(s_options);
        using var client = await RawClient.ConnectAsync(h.Endpoint);
        await client.SendAsync(ReadmeVectors.Bytes(ReadmeVectors.HelloV1));

        byte[]? close = await client.ReadFrameAsync();

        await Eventually.Until(() => h.Metrics.Disconnects(DisconnectReason.UnsupportedVersion) == 1, "the version refusal counted");
        Assert.That(ReadmeVectors.Hex(close), Is.EqualTo(ReadmeVectors.CloseV1));
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task V1Subscriber_ToV2Sink_RefusedWithUnsupportedVersionInAV1Close()
    {
        await using var sink = new TcpSink<LongEvent, LongCodec>(default, TcpSinkOptions.Default with { SchemaId = 7 });
        sink.Start();
        using var client = await RawClient.ConnectAsync(sink.LocalEndPoint!);
        byte[] hello = RawClient.Hello(1, 8, 7, role: SessionRole.Subscriber);
        hello[2] = WireFormat.Version1;
        await client.SendAsync(hello);

        byte[]? close = await client.ReadFrameAsync();

        Assert.That(ReadmeVectors.Hex(close), Is.EqualTo(ReadmeVectors.CloseV1));
    }

    private static async Task ReceiveExactlyAsync(Socket socket, byte[] buffer)
    {
        int read = 0;
        while (read < buffer.Length)
        {
            int n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None);
            Assert.That(n, Is.Positive, "the client closed early");
            read += n;
        }
    }

    /// <summary>What a v1 server does with a v2 hello: refuses its version byte with a v1 close frame.</summary>
    private static async Task<byte> ServeAsV1Async(TcpListener listener)
    {
        using Socket socket = await listener.AcceptSocketAsync();
        byte[] header = new byte[WireFormat.HeaderSize];
        await ReceiveExactlyAsync(socket, header);
        await socket.SendAsync(ReadmeVectors.Bytes(ReadmeVectors.CloseV1), SocketFlags.None);
        socket.Shutdown(SocketShutdown.Both);
        return header[2];
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task V2Publisher_ToV1Server_ReportsUnsupportedVersion()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Task<byte> server = ServeAsV1Async(listener);
        await using var publisher = new TcpPublisher<LongEvent, LongCodec>(listener.LocalEndpoint, default, TcpPublisherOptions.Default with { SchemaId = 7 });
        publisher.Start();
        publisher.Publish(new LongEvent { Value = 1 });

        var thrown = Assert.ThrowsAsync<ProtocolException>(() => publisher.WaitUntilAckedAsync(TimeSpan.FromSeconds(30)));

        Assert.Multiple(async () =>
        {
            Assert.That(await server, Is.EqualTo(WireFormat.Version), "the publisher spoke v2");
            Assert.That(thrown!.Reason, Is.EqualTo(DisconnectReason.UnsupportedVersion));
            Assert.That(publisher.LastCloseReason, Is.EqualTo(DisconnectReason.UnsupportedVersion));
        });
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task V2Subscriber_ToV1Server_ThrowsUnsupportedVersion()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Task<byte> server = ServeAsV1Async(listener);

        var thrown = Assert.Throws<ProtocolException>(() => TcpSubscriber<LongEvent, LongCodec>.Connect(listener.LocalEndpoint, default, 7));

        Assert.Multiple(async () =>
        {
            Assert.That(thrown!.Reason, Is.EqualTo(DisconnectReason.UnsupportedVersion));
            Assert.That(await server, Is.EqualTo(WireFormat.Version));
        });
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task Subscriber_CorruptBatchFromSink_ThrowsChecksumMismatch()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Task server = Task.Run(async () =>
        {
            using Socket socket = await listener.AcceptSocketAsync();
            await ReceiveExactlyAsync(socket, new byte[WireFormat.HeaderSize + WireFormat.HelloFixedSize]);

            byte[] welcome = new byte[WireFormat.HeaderSize + WireFormat.WelcomeSize];
            WireFormat.WriteWelcome(welcome, 1, -1, -1);
            byte[] batch = RawClient.Batch(0, [1, 2]);
            batch[WireFormat.HeaderSize + WireFormat.BatchHeaderSize] ^= 0x40;
            await socket.SendAsync(welcome, SocketFlags.None);
            await socket.SendAsync(batch, SocketFlags.None);
        });
        using var subscriber = TcpSubscriber<LongEvent, LongCodec>.Connect(listener.LocalEndpoint, default, 7);
        var events = new LongEvent[4];

        var thrown = Assert.Throws<ProtocolException>(() => subscriber.Read(events, out _));

        Assert.That(thrown!.Reason, Is.EqualTo(DisconnectReason.ChecksumMismatch));
        await server;
    }
}

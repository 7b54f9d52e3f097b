using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using LowLatency.Adapters.Sockets;
using NUnit.Framework;

namespace LowLatency.Adapters.Tests.Sockets;

public sealed class TcpSourceTests
{
    private static readonly TcpSourceOptions s_vectorOptions = TcpSourceOptions.Default with
    {
        SchemaId = 7,
        AuthToken = Encoding.ASCII.GetBytes("abc"),
        AckInterval = TimeSpan.FromMilliseconds(1),
        MaxConnections = 1024,
        MaxSessions = 4096,
    };

    [Test]
    [CancelAfter(20_000)]
    public async Task ReadmeVectors_RoundTrip_WelcomeEventsAckAndClose(CancellationToken token)
    {
        await using var h = Harness<LongEvent, LongCodec>.Start(s_vectorOptions);
        using var client = await RawClient.ConnectAsync(h.Endpoint);
        await client.SendAsync(ReadmeVectors.Bytes(ReadmeVectors.Hello));
        byte[]? welcome = await client.ReadFrameAsync(token);
        Assert.That(ReadmeVectors.Hex(welcome), Is.EqualTo(ReadmeVectors.Welcome));

        await client.SendAsync(ReadmeVectors.Bytes(ReadmeVectors.Batch));
        await client.SendAsync(ReadmeVectors.Bytes(ReadmeVectors.BatchLz4));
        await client.SendAsync(ReadmeVectors.Bytes(ReadmeVectors.Heartbeat));
        byte[]? ack;
        do
        {
            ack = await client.ReadFrameAsync(token);
            Assert.That(ack, Is.Not.Null);
            Assert.That(ack![3], Is.EqualTo((byte)FrameType.Ack));
        }
        while (BinaryPrimitives.ReadInt64LittleEndian(ack.AsSpan(WireFormat.HeaderSize)) < 5);

        await client.SendAsync(ReadmeVectors.Bytes(ReadmeVectors.Close));
        await Eventually.Until(() => h.Metrics.Disconnects(DisconnectReason.Normal) == 1, "normal close");
        Assert.Multiple(() =>
        {
            Assert.That(ReadmeVectors.Hex(ack), Is.EqualTo(ReadmeVectors.Ack));
            Assert.That(h.Collected.Snapshot().Select(e => e.Value), Is.EqualTo(new long[] { 0x11, 0x22, 0, 0, 0, 0 }));
            Assert.That(h.Metrics.Frames, Is.EqualTo(5));
        });
    }

    private static byte[] SampleStream(ulong session)
    {
        using var stream = new MemoryStream();
        stream.Write(RawClient.Hello(session, 8, schema: 7, token: "abc"));
        stream.Write(RawClient.Batch(0, [5, 6]));
        stream.Write(ReadmeVectors.Bytes(ReadmeVectors.BatchLz4));
        stream.Write(RawClient.Batch(6, [7]));
        stream.Write(ReadmeVectors.Bytes(ReadmeVectors.Heartbeat));
        stream.Write(ReadmeVectors.Bytes(ReadmeVectors.Close));
        return stream.ToArray();
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task Stream_SplitAtEveryOffset_EveryEventArrivesOnce()
    {
        await using var h = Harness<LongEvent, LongCodec>.Start(s_vectorOptions);
        int length = SampleStream(1).Length;
        for (int split = 1; split < length; split++)
        {
            byte[] bytes = SampleStream((ulong)split);
            using var client = await RawClient.ConnectAsync(h.Endpoint);
            await client.SendAsync(bytes[..split]);
            await client.SendAsync(bytes[split..]);
            Assert.That(await client.ReadCloseReasonAsync(), Is.EqualTo(DisconnectReason.None), $"split at {split}");
        }

        await Eventually.Until(() => h.Metrics.Disconnects(DisconnectReason.Normal) == length - 1, "every connection closed normally");
        await Eventually.Until(() => h.Collected.Count == 7L * (length - 1), "every event");
        Assert.That(h.Collected.Snapshot().Sum(e => e.Value), Is.EqualTo(18L * (length - 1)));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Stream_DribbledOneByteAtATime_EveryEventArrives()
    {
        await using var h = Harness<LongEvent, LongCodec>.Start(s_vectorOptions);
        byte[] bytes = SampleStream(42);
        using var client = await RawClient.ConnectAsync(h.Endpoint);
        for (int i = 0; i < bytes.Length; i++)
        {
            await client.SendAsync(bytes[i..(i + 1)]);
        }

        await Eventually.Until(() => h.Metrics.Disconnects(DisconnectReason.Normal) == 1, "normal close");
        await Eventually.Until(() => h.Collected.Count == 7, "the stage handled every event");
        Assert.That(h.Collected.Snapshot().Select(e => e.Value), Is.EqualTo(new long[] { 5, 6, 0, 0, 0, 0, 7 }));
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task TruncatedFrame_ThenClose_CountedAsTruncated()
    {
        await using var h = Harness<LongEvent, LongCodec>.Start(s_vectorOptions);
        using (var client = await RawClient.ConnectAsync(h.Endpoint))
        {
            await client.SendAsync(RawClient.Hello(9, 8, 7, "abc"));
            await client.SendAsync(RawClient.Batch(0, [1, 2, 3])[..30]);
            client.Socket.Shutdown(SocketShutdown.Send);
            await client.ReadCloseReasonAsync();
        }

        await Eventually.Until(() => h.Metrics.Disconnects(DisconnectReason.Truncated) == 1, "truncated");
        Assert.That(h.Collected.Count, Is.Zero);
    }

    [TestCase(unchecked((int)0x80000000))]
    [TestCase(-1)]
    [TestCase(64 * 1024 + 1)]
    [CancelAfter(10_000)]
    public async Task LengthPrefix_OverLimit_RefusedRightAfterHeader(int length)
    {
        await using var h = Harness<LongEvent, LongCodec>.Start(s_vectorOptions with { MaxFrameSize = 64 * 1024, MaxDecompressedSize = 64 * 1024 });
        long before = GC.GetTotalAllocatedBytes(precise: true);
        using var client = await RawClient.ConnectAsync(h.Endpoint);
        await client.SendAsync(RawClient.Hello(3, 8, 7, "abc"));
        await client.ReadFrameAsync();
        byte[] header = new byte[WireFormat.HeaderSize];
        WireFormat.WriteHeader(header, FrameType.Batch, FrameFlags.None, length, length);

        // Only the header is sent: the refusal cannot wait for (or buffer) the payload.
        await client.SendAsync(header);
        DisconnectReason reason = await client.ReadCloseReasonAsync();
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.Multiple(() =>
        {
            Assert.That(reason, Is.EqualTo(DisconnectReason.FrameTooLarge));
            Assert.That(allocated, Is.LessThan(4 << 20), "allocation stays small");
        });
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task Lz4Bomb_ClaimingOneGiB_RefusedBeforeDecompressing()
    {
        await using var h = Harness<LongEvent, LongCodec>.Start(s_vectorOptions);
        using var client = await RawClient.ConnectAsync(h.Endpoint);
        await client.SendAsync(RawClient.Hello(3, 8, 7, "abc"));
        await client.ReadFrameAsync();
        byte[] frame = ReadmeVectors.Bytes(ReadmeVectors.BatchLz4);
        BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(12), 1 << 30);
        await client.SendAsync(frame);
        Assert.That(await client.ReadCloseReasonAsync(), Is.EqualTo(DisconnectReason.DecompressedTooLarge));
    }

    [TestCase(56)]
    [TestCase(40)]
    [CancelAfter(10_000)]
    public async Task Lz4_DeclaredSizeMismatch_CompressionError(int declared)
    {
        await using var h = Harness<LongEvent, LongCodec>.Start(s_vectorOptions);
        using var client = await RawClient.ConnectAsync(h.Endpoint);
        await client.SendAsync(RawClient.Hello(3, 8, 7, "abc"));
        await client.ReadFrameAsync();
        byte[] frame = ReadmeVectors.Bytes(ReadmeVectors.BatchLz4);
        BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(12), declared);
        await client.SendAsync(frame);
        Assert.That(await client.ReadCloseReasonAsync(), Is.EqualTo(DisconnectReason.CompressionError));
        Assert.That(h.Collected.Count, Is.Zero);
    }

    [TestCase("abd", DisconnectReason.AuthenticationFailed)]
    [TestCase("", DisconnectReason.AuthenticationFailed)]
    [TestCase("abcd", DisconnectReason.AuthenticationFailed)]
    [CancelAfter(10_000)]
    public async Task Hello_WrongToken_AuthenticationFailed(string token, DisconnectReason expected)
    {
        await using var h = Harness<LongEvent, LongCodec>.Start(s_vectorOptions);
        using var client = await RawClient.ConnectAsync(h.Endpoint);
        await client.SendAsync(RawClient.Hello(3, 8, 7, token));
        Assert.That(await client.ReadCloseReasonAsync(), Is.EqualTo(expected));
        await Eventually.Until(() => h.Metrics.Disconnects(expected) == 1, "counted once");
    }

    [TestCase(8u, 8)]
    [TestCase(7u, 16)]
    [CancelAfter(10_000)]
    public async Task Hello_WrongSchemaOrEventSize_SchemaMismatch(uint schema, int eventSize)
    {
        await using var h = Harness<LongEvent, LongCodec>.Start(s_vectorOptions);
        using var client = await RawClient.ConnectAsync(h.Endpoint);
        await client.SendAsync(RawClient.Hello(3, eventSize, schema, "abc"));
        Assert.That(await client.ReadCloseReasonAsync(), Is.EqualTo(DisconnectReason.SchemaMismatch));
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task BatchBeforeHello_UnexpectedFrame()
    {
        await using var h = Harness<LongEvent, LongCodec>.Start(s_vectorOptions);
        using var client = await RawClient.ConnectAsync(h.Endpoint);
        await client.SendAsync(RawClient.Batch(0, [1]));
        Assert.That(await client.ReadCloseReasonAsync(), Is.EqualTo(DisconnectReason.UnexpectedFrame));
        Assert.That(h.Collected.Count, Is.Zero);
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task Connections_OverLimit_RefusedWithReasonOthersUnaffected()
    {
        await using var h = Harness<LongEvent, LongCodec>.Start(s_vectorOptions with { MaxConnections = 2, MaxSessions = 2 });
        using var first = await RawClient.ConnectAsync(h.Endpoint);
        using var second = await RawClient.ConnectAsync(h.Endpoint);
        await Eventually.Until(() => h.Metrics.ActiveConnections == 2, "two connections");
        using var third = await RawClient.ConnectAsync(h.Endpoint);
        Assert.That(await third.ReadCloseReasonAsync(), Is.EqualTo(DisconnectReason.ConnectionLimit));
        await first.SendAsync(RawClient.Hello(1, 8, 7, "abc"));
        await first.ReadFrameAsync();
        await first.SendAsync(RawClient.Batch(0, [42]));
        await Eventually.Until(() => h.Collected.Count == 1, "the first client's event");
        Assert.That(h.Metrics.Disconnects(DisconnectReason.ConnectionLimit), Is.EqualTo(1));
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task SameSession_Reconnect_DuplicatesDroppedAndGapCounted()
    {
        await using var h = Harness<LongEvent, LongCodec>.Start(s_vectorOptions);
        using (var client = await RawClient.ConnectAsync(h.Endpoint))
        {
            await client.SendAsync(RawClient.Hello(77, 8, 7, "abc"));
            await client.ReadFrameAsync();
            await client.SendAsync(RawClient.Batch(0, [0, 1, 2]));
            await Eventually.Until(() => h.Collected.Count == 3, "first three");
        }

        using var again = await RawClient.ConnectAsync(h.Endpoint);
        await again.SendAsync(RawClient.Hello(77, 8, 7, "abc"));
        byte[]? welcome = await again.ReadFrameAsync();
        long accepted = BinaryPrimitives.ReadInt64LittleEndian(welcome.AsSpan(WireFormat.HeaderSize + 8));
        await again.SendAsync(RawClient.Batch(1, [1, 2, 3, 4]));
        await again.SendAsync(RawClient.Batch(7, [7]));
        await Eventually.Until(() => h.Collected.Count == 6, "resent tail and the event after the gap");
        Assert.Multiple(() =>
        {
            Assert.That(accepted, Is.EqualTo(2));
            Assert.That(h.Collected.Snapshot().Select(e => e.Value), Is.EqualTo(new long[] { 0, 1, 2, 3, 4, 7 }));
            Assert.That(h.Metrics.DuplicateEvents, Is.EqualTo(2));
            Assert.That(h.Metrics.MissingEvents, Is.EqualTo(2));
        });
    }

    [Test]
    [CancelAfter(20_000)]
    public async Task FrameLargerThanReadBuffer_WithinLimit_CompletesWithoutDeadlock()
    {
        await using var h = Harness<LongEvent, LongCodec>.Start(s_vectorOptions with { ReceiveBufferSize = 1024 }, capacity: 1024);
        using var client = await RawClient.ConnectAsync(h.Endpoint);
        await client.SendAsync(RawClient.Hello(5, 8, 7, "abc"));
        await client.ReadFrameAsync();
        long[] values = Enumerable.Range(0, 20_000).Select(i => (long)i).ToArray();
        await client.SendAsync(RawClient.Batch(0, values));
        await Eventually.Until(() => h.Collected.Count == values.Length, "every event of the 160 KB frame");
        Assert.That(h.Collected.Snapshot().Select(e => e.Value), Is.EqualTo(values));
    }

    [Test]
    [CancelAfter(20_000)]
    public async Task Dispose_DuringReadsAndMidFrame_ClosesEveryConnectionWithStopping()
    {
        var h = Harness<LongEvent, LongCodec>.Start(s_vectorOptions);
        using var midFrame = await RawClient.ConnectAsync(h.Endpoint);
        await midFrame.SendAsync(RawClient.Hello(1, 8, 7, "abc"));
        await midFrame.ReadFrameAsync();
        await midFrame.SendAsync(RawClient.Batch(0, [1, 2, 3])[..20]);
        using var waiting = await RawClient.ConnectAsync(h.Endpoint);
        await waiting.SendAsync(RawClient.Hello(2, 8, 7, "abc"));
        await waiting.ReadFrameAsync();
        await Eventually.Until(() => h.Metrics.ActiveConnections == 2, "two connections");

        await h.Source.DisposeAsync();
        await h.Source.DisposeAsync();
        Assert.Multiple(async () =>
        {
            Assert.That(await midFrame.ReadCloseReasonAsync(), Is.EqualTo(DisconnectReason.Stopping));
            Assert.That(await waiting.ReadCloseReasonAsync(), Is.EqualTo(DisconnectReason.Stopping));
            Assert.That(h.Metrics.ActiveConnections, Is.Zero);
            Assert.That(h.Metrics.Disconnects(DisconnectReason.Stopping), Is.EqualTo(2));
        });
        await h.Pipeline.DisposeAsync();
    }

    [Test]
    [CancelAfter(20_000)]
    public async Task RingClosed_WhilePublishing_ConnectionClosedWithStopping()
    {
        await using var h = Harness<LongEvent, LongCodec>.Start(s_vectorOptions);
        using var client = await RawClient.ConnectAsync(h.Endpoint);
        await client.SendAsync(RawClient.Hello(1, 8, 7, "abc"));
        await client.ReadFrameAsync();
        await h.Pipeline.DrainAsync();
        await client.SendAsync(RawClient.Batch(0, [1]));
        Assert.That(await client.ReadCloseReasonAsync(), Is.EqualTo(DisconnectReason.Stopping));
    }
}

using System.Net.Sockets;
using LowLatency.Adapters.Sockets;
using Microsoft.Extensions.Time.Testing;
using NUnit.Framework;

namespace LowLatency.Adapters.Tests.Sockets;

public sealed class TcpSourceAdversarialTests
{
    private static readonly TcpSourceOptions s_options = TcpSourceOptions.Default with { SchemaId = 7, MaxConnections = 1024, MaxSessions = 4096 };

    [Test]
    [CancelAfter(60_000)]
    public async Task RandomGarbage_EachPeerClosedWithDocumentedReason_GoodClientUnaffected()
    {
        int seed = Environment.TickCount;
        var random = new Random(seed);
        await using var h = Harness<LongEvent, LongCodec>.Start(s_options);
        const int peers = 40;
        for (int i = 0; i < peers; i++)
        {
            using var client = await RawClient.ConnectAsync(h.Endpoint);
            byte[] garbage = new byte[random.Next(1, 300)];
            random.NextBytes(garbage);
            if (i % 2 == 0)
            {
                await client.SendAsync(RawClient.Hello((ulong)i + 1, 8, 7));
            }

            await client.SendAsync(garbage);
            client.Socket.Shutdown(SocketShutdown.Send);
            DisconnectReason reason = await client.ReadCloseReasonAsync();
            Assert.That(Enum.IsDefined(reason), $"peer {i}, seed {seed}: {reason}");
        }

        await Eventually.Until(() => h.Metrics.TotalDisconnects == peers, $"every peer closed (seed {seed})");
        await AssertGoodClientWorks(h, session: 10_000);
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task MutatedValidFrames_OnlyDocumentedReasons_NoHang()
    {
        int seed = Environment.TickCount;
        var random = new Random(seed);
        await using var h = Harness<LongEvent, LongCodec>.Start(s_options);
        const int peers = 60;
        for (int i = 0; i < peers; i++)
        {
            using var stream = new MemoryStream();
            stream.Write(RawClient.Hello((ulong)i + 1, 8, 7));
            stream.Write(RawClient.Batch(0, [1, 2, 3]));
            stream.Write(ReadmeVectors.Bytes(ReadmeVectors.BatchLz4));
            stream.Write(RawClient.Batch(6, [4]));
            byte[] bytes = stream.ToArray();
            int mutations = random.Next(1, 4);
            for (int m = 0; m < mutations; m++)
            {
                bytes[random.Next(bytes.Length)] ^= (byte)random.Next(1, 256);
            }

            using var client = await RawClient.ConnectAsync(h.Endpoint);
            await client.SendAsync(bytes);
            client.Socket.Shutdown(SocketShutdown.Send);
            DisconnectReason reason = await client.ReadCloseReasonAsync();
            Assert.That(Enum.IsDefined(reason), $"peer {i}, seed {seed}: {reason}");
        }

        await Eventually.Until(() => h.Metrics.TotalDisconnects == peers, $"every peer closed (seed {seed})");
        Assert.That(h.Metrics.Disconnects(DisconnectReason.TransportError), Is.Zero, $"seed {seed}");
        await AssertGoodClientWorks(h, session: 10_000);
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task SlowlorisIdleAndSilentPeers_ClosedByTheirTimeouts_GoodClientKeepsWorking()
    {
        var time = new FakeTimeProvider();
        await using var h = Harness<LongEvent, LongCodec>.Start(s_options with
        {
            TimeProvider = time,
            HandshakeTimeout = TimeSpan.FromSeconds(1),
            FrameTimeout = TimeSpan.FromSeconds(2),
            IdleTimeout = TimeSpan.FromSeconds(5),
            WatchdogPeriod = TimeSpan.FromMilliseconds(100),
        });
        using var silent = await RawClient.ConnectAsync(h.Endpoint);
        using var slow = await Handshaken(h, 1);
        using var idle = await Handshaken(h, 2);
        using var good = await Handshaken(h, 3);
        await slow.SendAsync(RawClient.Batch(0, [1])[..5]);
        long helloBytes = RawClient.Hello(1, 8, 7).Length;
        await Eventually.Until(() => h.Metrics.BytesReceived == (3 * helloBytes) + 5, "the slowloris bytes were read");

        for (int step = 1; step <= 60; step++)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            if (step % 5 == 0)
            {
                await good.SendAsync(RawClient.Batch(step / 5, [step]));
                await Eventually.Until(() => h.Collected.Count == step / 5, "the good client's event");
            }
        }

        Assert.Multiple(async () =>
        {
            Assert.That(await silent.ReadCloseReasonAsync(), Is.EqualTo(DisconnectReason.HandshakeTimeout));
            Assert.That(await slow.ReadCloseReasonAsync(), Is.EqualTo(DisconnectReason.FrameTimeout));
            Assert.That(await idle.ReadCloseReasonAsync(), Is.EqualTo(DisconnectReason.IdleTimeout));
        });
        await good.SendAsync(RawClient.Batch(13, [99]));
        await Eventually.Until(() => h.Collected.Count == 13, "the good client still works");
        Assert.That(h.Metrics.ActiveConnections, Is.EqualTo(1));
    }

    [Test]
    [CancelAfter(60_000)]
    public Task ConnectionChurn_2000Cycles_NoLeakedSocketsOrBuffers() => Churn(2_000);

    [Test]
    [Category("Long")]
    [CancelAfter(300_000)]
    public Task ConnectionChurn_10000Cycles_NoLeakedSocketsOrBuffers() => Churn(10_000);

    private static async Task Churn(int cycles)
    {
        await using var h = Harness<LongEvent, LongCodec>.Start(s_options);
        await AssertGoodClientWorks(h, session: 1_000_000);
        ForceGc();
        int fdBefore = Directory.GetFiles("/proc/self/fd").Length;
        long heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        long disconnectsBefore = h.Metrics.TotalDisconnects;
        for (int i = 0; i < cycles; i++)
        {
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(h.Endpoint);
            if (i % 2 == 0)
            {
                await socket.SendAsync(RawClient.Hello((ulong)i + 1, 8, 7), SocketFlags.None);
            }
        }

        await Eventually.Until(() => h.Metrics.TotalDisconnects - disconnectsBefore >= cycles && h.Metrics.ActiveConnections == 0, "every churned connection closed", 60_000);
        ForceGc();
        int fdAfter = Directory.GetFiles("/proc/self/fd").Length;
        long heapAfter = GC.GetTotalMemory(forceFullCollection: true);
        Assert.Multiple(() =>
        {
            Assert.That(fdAfter, Is.LessThanOrEqualTo(fdBefore + 4), "file descriptors back to baseline");
            Assert.That(heapAfter - heapBefore, Is.LessThan(8L << 20), "managed heap back to baseline");
        });
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task Flood_IntoFullRing_BufferedBytesBoundedSenderBlockedNothingLost()
    {
        using var gate = new ManualResetEventSlim(false);
        TcpSourceOptions options = s_options with { ReceiveBufferSize = 64 * 1024, MaxFrameSize = 64 * 1024, MaxDecompressedSize = 64 * 1024 };
        await using var h = Harness<LongEvent, LongCodec>.Start(options, capacity: 1024, gate: gate, keepEvents: false);
        const int frames = 4096;
        const int perFrame = 1024;
        long[] values = new long[perFrame];
        long sentBytes = 0;
        var sender = Task.Factory.StartNew(
            () =>
            {
                using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                socket.Connect(h.Endpoint);
                socket.Send(RawClient.Hello(5, 8, 7));
                byte[] welcome = new byte[40];
                socket.Receive(welcome);
                for (int f = 0; f < frames; f++)
                {
                    byte[] frame = RawClient.Batch((long)f * perFrame, values);
                    socket.Send(frame);
                    Interlocked.Add(ref sentBytes, frame.Length);
                }

                socket.Send(ReadmeVectors.Bytes(ReadmeVectors.Close));

                // Drain the acks before closing: closing with unread bytes resets the connection.
                socket.Shutdown(SocketShutdown.Send);
                while (socket.Receive(welcome) > 0)
                {
                }
            },
            TaskCreationOptions.LongRunning);

        await Eventually.Until(() => h.Metrics.BackpressureWaits >= 1, "the ring pushed back");
        long previous = -1;
        while (Interlocked.Read(ref sentBytes) != previous)
        {
            previous = Interlocked.Read(ref sentBytes);
            await Task.Delay(200);
        }

        int frameBytes = RawClient.Batch(0, values).Length;
        long helloBytes = RawClient.Hello(5, 8, 7).Length;
        long unconsumed = h.Metrics.BytesReceived - helloBytes - ((h.Metrics.Frames - 1) * frameBytes);
        Assert.Multiple(() =>
        {
            Assert.That(sender.IsCompleted, Is.False, "the sender is blocked by TCP flow control");
            Assert.That(Interlocked.Read(ref sentBytes), Is.LessThan((long)frames * frameBytes));
            Assert.That(unconsumed, Is.LessThanOrEqualTo(options.ReceiveBufferSize + options.MaxFrameSize), "buffered bytes per connection");
        });

        gate.Set();
        await sender.WaitAsync(TimeSpan.FromSeconds(40));
        await Eventually.Until(() => h.Collected.Count == (long)frames * perFrame, "every event", 40_000, () => Describe(h));
        Assert.That(h.Metrics.EventsPublished, Is.EqualTo((long)frames * perFrame));
    }

    private static async Task<RawClient> Handshaken(Harness<LongEvent, LongCodec> h, ulong session)
    {
        var client = await RawClient.ConnectAsync(h.Endpoint);
        await client.SendAsync(RawClient.Hello(session, 8, 7));
        byte[]? welcome = await client.ReadFrameAsync();
        Assert.That(welcome?[3], Is.EqualTo((byte)FrameType.Welcome));
        return client;
    }

    private static async Task AssertGoodClientWorks(Harness<LongEvent, LongCodec> h, ulong session)
    {
        long before = h.Collected.Count;
        using var client = await Handshaken(h, session);
        await client.SendAsync(RawClient.Batch(0, [1, 2, 3]));
        await Eventually.Until(() => h.Collected.Count == before + 3, "a good client's events");
    }

    private static string Describe(Harness<LongEvent, LongCodec> h) =>
        $"collected {h.Collected.Count}, published {h.Metrics.EventsPublished}, frames {h.Metrics.Frames}, waits {h.Metrics.BackpressureWaits}, active {h.Metrics.ActiveConnections}, "
        + string.Join(", ", Enum.GetValues<DisconnectReason>().Where(r => h.Metrics.Disconnects(r) > 0).Select(r => $"{r} {h.Metrics.Disconnects(r)}"));

    private static void ForceGc()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }
}

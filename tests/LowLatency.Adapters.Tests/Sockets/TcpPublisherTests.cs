using System.Net;
using LowLatency.Adapters.Sockets;
using NUnit.Framework;

namespace LowLatency.Adapters.Tests.Sockets;

public sealed class TcpPublisherTests
{
    private static readonly TcpSourceOptions s_source = TcpSourceOptions.Default with { SchemaId = 3, AuthToken = "secret"u8.ToArray(), AckInterval = TimeSpan.FromMilliseconds(1) };
    private static readonly TcpPublisherOptions s_publisher = TcpPublisherOptions.Default with { SchemaId = 3, AuthToken = "secret"u8.ToArray(), MaxUnackedEvents = 1 << 14 };

    [TestCase(FrameCompression.None)]
    [TestCase(FrameCompression.Lz4)]
    [CancelAfter(30_000)]
    public async Task Publish_ThenWaitUntilAcked_EveryEventOnceInOrder(FrameCompression compression)
    {
        await using var h = Harness<VerifiedTick, VerifiedTickCodec>.Start(s_source);
        using var publisher = new TcpPublisher<VerifiedTick, VerifiedTickCodec>(h.Endpoint, default, s_publisher with { Compression = compression });
        publisher.Start();
        const int keys = 4;
        const int perKey = 25_000;
        for (int s = 0; s < perKey; s++)
        {
            for (int k = 0; k < keys; k++)
            {
                publisher.Publish(VerifiedTick.Create(1, k, s));
            }
        }

        Assert.That(await Task.Run(() => publisher.WaitUntilAcked(TimeSpan.FromSeconds(20))), Is.True, "acked");
        var verifier = new Verifier(keys);
        foreach (VerifiedTick tick in h.Collected.Snapshot())
        {
            verifier.Observe(tick);
        }

        Assert.Multiple(() =>
        {
            Assert.That(verifier.Lost(perKey), Is.Zero);
            Assert.That(verifier.Duplicated, Is.Zero);
            Assert.That(verifier.Reordered, Is.Zero);
            Assert.That(verifier.Corrupt, Is.Zero);
            Assert.That(publisher.Acked, Is.EqualTo((long)keys * perKey));
        });
    }

    [Test]
    [CancelAfter(60_000)]
    public Task KillConnectionMidStream_Reconnect_LostZeroDuplicatedZero() => KillAndReconnect(kills: 3, perKey: 25_000, FrameCompression.None);

    [Test]
    [CancelAfter(60_000)]
    public Task KillConnectionMidStream_Lz4_LostZeroDuplicatedZero() => KillAndReconnect(kills: 2, perKey: 10_000, FrameCompression.Lz4);

    [Test]
    [Category("Long")]
    [CancelAfter(300_000)]
    public Task KillConnectionMidStream_ManyTimes_LostZeroDuplicatedZero() => KillAndReconnect(kills: 30, perKey: 250_000, FrameCompression.None);

    [Test]
    [CancelAfter(20_000)]
    public async Task Start_BeforeSourceListens_ConnectsWhenItDoes()
    {
        using var probe = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var endpoint = new IPEndPoint(IPAddress.Loopback, ((IPEndPoint)probe.LocalEndPoint!).Port);
        probe.Dispose();
        using var publisher = new TcpPublisher<VerifiedTick, VerifiedTickCodec>(endpoint, default, s_publisher);
        publisher.Start();
        publisher.Publish(VerifiedTick.Create(1, 0, 0));
        await using var h = Harness<VerifiedTick, VerifiedTickCodec>.Start(s_source with { Endpoint = endpoint });
        Assert.That(await Task.Run(() => publisher.WaitUntilAcked(TimeSpan.FromSeconds(15))), Is.True);
        Assert.That(h.Collected.Count, Is.EqualTo(1));
    }

    [Test]
    [CancelAfter(20_000)]
    public async Task WrongToken_SourceRefuses_ReasonReportedNothingPublished()
    {
        await using var h = Harness<VerifiedTick, VerifiedTickCodec>.Start(s_source);
        using var publisher = new TcpPublisher<VerifiedTick, VerifiedTickCodec>(h.Endpoint, default, s_publisher with { AuthToken = "wrong"u8.ToArray() });
        publisher.Start();
        publisher.Publish(VerifiedTick.Create(1, 0, 0));
        await Eventually.Until(() => publisher.LastCloseReason == DisconnectReason.AuthenticationFailed, "auth refusal reported");
        Assert.Multiple(() =>
        {
            Assert.That(publisher.IsConnected, Is.False);
            Assert.That(h.Collected.Count, Is.Zero);
        });
    }

    [Test]
    public void Options_Invalid_MessageNamesTheOption()
    {
        var endpoint = new IPEndPoint(IPAddress.Loopback, 1);
        Assert.Multiple(() =>
        {
            Assert.That(() => new TcpPublisher<VerifiedTick, VerifiedTickCodec>(endpoint, default, s_publisher with { MaxUnackedEvents = 1000 }), Throws.ArgumentException.With.Message.Contains("TcpPublisherOptions.MaxUnackedEvents"));
            Assert.That(() => new TcpPublisher<VerifiedTick, VerifiedTickCodec>(endpoint, default, s_publisher with { MaxBatchEvents = 0 }), Throws.ArgumentException.With.Message.Contains("TcpPublisherOptions.MaxBatchEvents"));
            Assert.That(() => new TcpPublisher<VerifiedTick, VerifiedTickCodec>(endpoint, default, s_publisher with { SendBufferSize = 100 }), Throws.ArgumentException.With.Message.Contains("TcpPublisherOptions.SendBufferSize"));
            Assert.That(() => new TcpSource<VerifiedTick, VerifiedTickCodec>(Engine.RingBuffer<VerifiedTick>.CreateMultiProducer(64, new Engine.Waiting.BlockingWaitStrategy()), default, s_source with { MaxFrameSize = 10 }), Throws.ArgumentException.With.Message.Contains("TcpSourceOptions.MaxFrameSize"));
            Assert.That(() => new TcpSource<VerifiedTick, VerifiedTickCodec>(Engine.RingBuffer<VerifiedTick>.CreateMultiProducer(64, new Engine.Waiting.BlockingWaitStrategy()), default, s_source with { ResumeOccupancy = 1 }), Throws.ArgumentException.With.Message.Contains("TcpSourceOptions.ResumeOccupancy"));
        });
    }

    private static async Task KillAndReconnect(int kills, int perKey, FrameCompression compression)
    {
        await using var h = Harness<VerifiedTick, VerifiedTickCodec>.Start(s_source, capacity: 1024, keepEvents: true);
        using var proxy = new TcpProxy(h.Endpoint);
        using var publisher = new TcpPublisher<VerifiedTick, VerifiedTickCodec>(proxy.Endpoint, default, s_publisher with { Compression = compression });
        publisher.Start();
        const int keys = 8;
        long total = (long)keys * perKey;
        var producer = Task.Factory.StartNew(
            () =>
            {
                for (int s = 0; s < perKey; s++)
                {
                    for (int k = 0; k < keys; k++)
                    {
                        publisher.Publish(VerifiedTick.Create(2, k, s));
                    }
                }
            },
            TaskCreationOptions.LongRunning);

        for (int kill = 1; kill <= kills; kill++)
        {
            long threshold = total * kill / (kills + 1);
            await Eventually.Until(() => h.Collected.Count >= threshold, $"progress before kill {kill}", 30_000);
            proxy.KillAll();
        }

        await producer.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.That(await Task.Run(() => publisher.WaitUntilAcked(TimeSpan.FromSeconds(30))), Is.True, "every event acked");
        var verifier = new Verifier(keys);
        foreach (VerifiedTick tick in h.Collected.Snapshot())
        {
            verifier.Observe(tick);
        }

        TestContext.Out.WriteLine($"reconnects {publisher.Reconnects}, resends dropped as duplicates {h.Metrics.DuplicateEvents}, kills {proxy.Kills}");
        Assert.Multiple(() =>
        {
            Assert.That(publisher.Reconnects, Is.GreaterThanOrEqualTo(kills));
            Assert.That(verifier.Lost(perKey), Is.Zero, "lost");
            Assert.That(verifier.Duplicated, Is.Zero, "duplicated");
            Assert.That(verifier.Reordered, Is.Zero, "reordered");
            Assert.That(verifier.Corrupt, Is.Zero, "corrupt");
            Assert.That(h.Metrics.MissingEvents, Is.Zero, "gaps");
        });
    }
}

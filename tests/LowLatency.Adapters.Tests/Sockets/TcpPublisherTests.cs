using System.Net;
using LowLatency.Adapters.Sockets;
using LowLatency.Engine.Pipelines;
using LowLatency.Engine.Processing;
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

        await publisher.WaitUntilAckedAsync(TimeSpan.FromSeconds(20));
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
        await publisher.WaitUntilAckedAsync(TimeSpan.FromSeconds(15));
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
        await publisher.WaitUntilAckedAsync(TimeSpan.FromSeconds(30));
        var verifier = new Verifier(keys);
        foreach (VerifiedTick tick in h.Collected.Snapshot())
        {
            verifier.Observe(tick);
        }

        TestContext.Out.WriteLine($"reconnects {publisher.Reconnects}, resent {publisher.ResentEvents}, resends dropped as duplicates {h.Metrics.DuplicateEvents}, kills {proxy.Kills}");
        Assert.Multiple(() =>
        {
            Assert.That(publisher.Reconnects, Is.GreaterThanOrEqualTo(kills));
            Assert.That(verifier.Lost(perKey), Is.Zero, "lost");
            Assert.That(verifier.Duplicated, Is.Zero, "duplicated");
            Assert.That(verifier.Reordered, Is.Zero, "reordered");
            Assert.That(verifier.Corrupt, Is.Zero, "corrupt");
            Assert.That(h.Metrics.MissingEvents, Is.Zero, "gaps");
            Assert.That(publisher.ResentEvents, Is.GreaterThanOrEqualTo(h.Metrics.DuplicateEvents), "every duplicate the source dropped was a counted resend");
        });
    }

    /// <summary>
    /// Conservation through the publisher's ring: a small ring wraps thousands of times, the producer blocks
    /// on a full ring until each ack (a ring's worth per 1 ms ack interval bounds the rate), and Publish,
    /// PublishBatch and TryPublish are mixed; the source must see every event exactly once, in order.
    /// </summary>
    [TestCase(200_000, 64)]
    [TestCase(10_000_000, 4096, Category = "Long")]
    [CancelAfter(600_000)]
    public async Task Publish_SmallRingWrappingManyTimes_EveryEventOnceInOrder(int events, int ring)
    {
        var order = new InOrder();
        await using var pipeline = Pipeline<VerifiedTick>.Create(PipelineOptions.Default with { Capacity = 1 << 12, ProducerType = ProducerType.Multi, WaitStrategy = WaitStrategyKind.Blocking });
        pipeline.HandleEventsWith(new InOrderCheck(order));
        pipeline.Start();
        await using var source = new TcpSource<VerifiedTick, VerifiedTickCodec>(pipeline, default, s_source);
        source.Start();
        await using var publisher = new TcpPublisher<VerifiedTick, VerifiedTickCodec>(source.LocalEndPoint!, default, s_publisher with { MaxUnackedEvents = ring, MaxBatchEvents = 16 });
        publisher.Start();
        var batch = new VerifiedTick[7];
        var producer = Task.Factory.StartNew(
            () =>
            {
                int s = 0;
                while (s < events)
                {
                    switch (s % 3)
                    {
                        case 0:
                            publisher.Publish(VerifiedTick.Create(5, 0, s++));
                            break;
                        case 1:
                            int n = Math.Min(batch.Length, events - s);
                            for (int i = 0; i < n; i++)
                            {
                                batch[i] = VerifiedTick.Create(5, 0, s + i);
                            }

                            publisher.PublishBatch(batch.AsSpan(0, n));
                            s += n;
                            break;
                        default:
                            if (publisher.TryPublish(VerifiedTick.Create(5, 0, s)))
                            {
                                s++;
                            }
                            else
                            {
                                publisher.Publish(VerifiedTick.Create(5, 0, s++));
                            }

                            break;
                    }
                }
            },
            TaskCreationOptions.LongRunning);

        await producer.WaitAsync(TimeSpan.FromSeconds(500));
        await publisher.WaitUntilAckedAsync(TimeSpan.FromSeconds(60));
        await pipeline.DrainAsync();
        Assert.Multiple(() =>
        {
            Assert.That(order.Next, Is.EqualTo(events), "every sequence arrived (none lost)");
            Assert.That(order.OutOfOrder, Is.Zero, "duplicated or reordered");
            Assert.That(order.Corrupt, Is.Zero, "corrupt");
            Assert.That(publisher.Acked, Is.EqualTo(events));
            Assert.That(source.Metrics.DuplicateEvents + source.Metrics.MissingEvents, Is.Zero);
        });
    }

    /// <summary>What <see cref="InOrderCheck"/> saw; written by the stage thread, read after the drain.</summary>
    private sealed class InOrder
    {
        public long Next;
        public long OutOfOrder;
        public long Corrupt;
    }

    /// <summary>Exactly once and in order, streaming: the n-th event seen must carry sequence n.</summary>
    private readonly struct InOrderCheck(InOrder state) : IEventHandler<VerifiedTick>
    {
        public void OnEvent(ref VerifiedTick data, long sequence, bool endOfBatch)
        {
            if (!data.IsIntact)
            {
                state.Corrupt++;
            }
            else if (data.KeySequence != state.Next)
            {
                state.OutOfOrder++;
            }

            state.Next++;
        }
    }

    [Test]
    [CancelAfter(20_000)]
    public async Task Dispose_WhileProducerBlockedOnFullRing_PublishThrowsClosed()
    {
        // Nothing listens: nothing is ever acked, so the 4th event blocks.
        using var publisher = new TcpPublisher<VerifiedTick, VerifiedTickCodec>(new IPEndPoint(IPAddress.Loopback, 1), default, s_publisher with { MaxUnackedEvents = 4 });
        publisher.Start();
        var blocked = Task.Factory.StartNew(
            () =>
            {
                for (int s = 0; s < 5; s++)
                {
                    publisher.Publish(VerifiedTick.Create(1, 0, s));
                }
            },
            TaskCreationOptions.LongRunning);
        await Eventually.Until(() => publisher.Published == 4, "the ring filled");
        Assert.That(publisher.TryPublish(VerifiedTick.Create(1, 0, 9)), Is.False, "full ring");

        await publisher.DisposeAsync();

        Assert.That(async () => await blocked.WaitAsync(TimeSpan.FromSeconds(10)), Throws.TypeOf<Engine.PipelineClosedException>());
        Assert.That(() => publisher.TryPublish(VerifiedTick.Create(1, 0, 10)), Throws.TypeOf<Engine.PipelineClosedException>(), "TryPublish fails the same way");
        Assert.That(() => publisher.PublishBatch([VerifiedTick.Create(1, 0, 11)]), Throws.TypeOf<Engine.PipelineClosedException>(), "and so does PublishBatch");
    }

    [Test]
    [CancelAfter(20_000)]
    public async Task WaitUntilAckedAsync_NoSource_ThrowsTimeoutSayingHowFarItGot()
    {
        await using var publisher = new TcpPublisher<VerifiedTick, VerifiedTickCodec>(new IPEndPoint(IPAddress.Loopback, 1), default, s_publisher);
        publisher.Start();
        publisher.Publish(VerifiedTick.Create(1, 0, 0));

        var thrown = Assert.ThrowsAsync<TimeoutException>(() => publisher.WaitUntilAckedAsync(TimeSpan.FromMilliseconds(300)));

        Assert.That(thrown!.Message, Does.Contain("0 of 1 events acked").And.Contain("connected: no"));
    }

    [Test]
    [CancelAfter(20_000)]
    public async Task WaitUntilAckedAsync_SourceRefusesToken_ThrowsProtocolExceptionBeforeTheTimeout()
    {
        await using var h = Harness<VerifiedTick, VerifiedTickCodec>.Start(s_source);
        await using var publisher = new TcpPublisher<VerifiedTick, VerifiedTickCodec>(h.Endpoint, default, s_publisher with { AuthToken = "wrong"u8.ToArray() });
        publisher.Start();
        publisher.Publish(VerifiedTick.Create(1, 0, 0));
        long start = Environment.TickCount64;

        var thrown = Assert.ThrowsAsync<ProtocolException>(() => publisher.WaitUntilAckedAsync(TimeSpan.FromSeconds(60)));

        Assert.Multiple(() =>
        {
            Assert.That(thrown!.Reason, Is.EqualTo(DisconnectReason.AuthenticationFailed));
            Assert.That(Environment.TickCount64 - start, Is.LessThan(30_000), "failed on the refusal, not on the 60 s timeout");
        });
    }

    [Test]
    [CancelAfter(20_000)]
    public async Task WaitUntilAckedAsync_Cancelled_ThrowsOperationCanceled()
    {
        await using var publisher = new TcpPublisher<VerifiedTick, VerifiedTickCodec>(new IPEndPoint(IPAddress.Loopback, 1), default, s_publisher);
        publisher.Start();
        publisher.Publish(VerifiedTick.Create(1, 0, 0));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        Assert.That(async () => await publisher.WaitUntilAckedAsync(TimeSpan.FromSeconds(60), cancel.Token), Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    [CancelAfter(20_000)]
    public async Task WaitUntilAckedAsync_AfterDispose_ThrowsObjectDisposed()
    {
        var publisher = new TcpPublisher<VerifiedTick, VerifiedTickCodec>(new IPEndPoint(IPAddress.Loopback, 1), default, s_publisher);
        publisher.Start();
        publisher.Publish(VerifiedTick.Create(1, 0, 0));
        await publisher.DisposeAsync();

        Assert.That(async () => await publisher.WaitUntilAckedAsync(TimeSpan.FromSeconds(5)), Throws.TypeOf<ObjectDisposedException>());
    }
}

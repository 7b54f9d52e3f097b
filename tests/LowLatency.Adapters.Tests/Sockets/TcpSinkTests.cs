using System.Buffers.Binary;
using LowLatency.Adapters.Sockets;
using LowLatency.Engine.Pipelines;
using NUnit.Framework;

namespace LowLatency.Adapters.Tests.Sockets;

public sealed class TcpSinkTests
{
    private static readonly TcpSinkOptions s_options = TcpSinkOptions.Default with { SchemaId = 9, AuthToken = "sub"u8.ToArray(), MaxBatchEvents = 256 };

    private static async Task<RawClient> Subscribe(TcpSink<LongEvent, LongCodec> sink, int receiveBufferSize = 0)
    {
        var client = await RawClient.ConnectAsync(sink.LocalEndPoint!, receiveBufferSize);
        await client.SendAsync(RawClient.Hello(1, 8, 9, "sub", SessionRole.Subscriber));
        byte[]? welcome = await client.ReadFrameAsync();
        Assert.That(welcome?[3], Is.EqualTo((byte)FrameType.Welcome));
        await Eventually.Until(() => sink.Metrics.Subscribers >= 1, "subscribed");
        return client;
    }

    private static Pipeline<LongEvent> Pipeline(TcpSink<LongEvent, LongCodec> sink, int capacity = 1024)
    {
        var pipeline = Pipeline<LongEvent>.Create(PipelineOptions.Default with { Capacity = capacity, WaitStrategy = WaitStrategyKind.Blocking });
        pipeline.HandleEventsWith(sink.CreateHandler());
        pipeline.Start();
        return pipeline;
    }

    /// <summary>Reads batch frames until <paramref name="events"/> events arrived; returns (values, first sequence of each event).</summary>
    private static async Task<(List<long> Values, List<long> Sequences)> ReadEvents(RawClient client, long events)
    {
        var values = new List<long>();
        var sequences = new List<long>();
        while (values.Count < events)
        {
            byte[]? frame = await client.ReadFrameAsync();
            Assert.That(frame, Is.Not.Null, "stream ended early");
            Assert.That(frame![3], Is.EqualTo((byte)FrameType.Batch));
            ReadOnlySpan<byte> payload = frame.AsSpan(WireFormat.HeaderSize);
            long first = BinaryPrimitives.ReadInt64LittleEndian(payload);
            int count = BinaryPrimitives.ReadInt32LittleEndian(payload[8..]);
            for (int i = 0; i < count; i++)
            {
                values.Add(BinaryPrimitives.ReadInt64LittleEndian(payload[(WireFormat.BatchHeaderSize + (i * 8))..]));
                sequences.Add(first + i);
            }
        }

        return (values, sequences);
    }

    [Test]
    [CancelAfter(20_000)]
    public async Task Subscriber_ReceivesEveryEventWithRingSequences()
    {
        await using var sink = new TcpSink<LongEvent, LongCodec>(default, s_options);
        sink.Start();
        await using Pipeline<LongEvent> pipeline = Pipeline(sink);
        using RawClient client = await Subscribe(sink);
        const int n = 20_000;
        for (int i = 0; i < n; i++)
        {
            pipeline.RingBuffer.Publish(new LongEvent { Value = i * 3 });
        }

        (List<long> values, List<long> sequences) = await ReadEvents(client, n);
        Assert.Multiple(() =>
        {
            Assert.That(values, Is.EqualTo(Enumerable.Range(0, n).Select(i => i * 3L)));
            Assert.That(sequences, Is.EqualTo(Enumerable.Range(0, n).Select(i => (long)i)));
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task SilentSubscriber_DefaultPolicy_DisconnectedPipelineNeverStalls()
    {
        await using var sink = new TcpSink<LongEvent, LongCodec>(default, s_options with { MaxBufferedBytes = 64 * 1024 });
        sink.Start();
        await using Pipeline<LongEvent> pipeline = Pipeline(sink);
        using RawClient silent = await Subscribe(sink, receiveBufferSize: 4096);
        const int n = 2_000_000;
        await Task.Run(() =>
        {
            for (int i = 0; i < n; i++)
            {
                pipeline.RingBuffer.Publish(new LongEvent { Value = i });
            }
        });
        await pipeline.DrainAsync();
        await Eventually.Until(() => sink.Metrics.Disconnects(DisconnectReason.SlowSubscriber) == 1, "the silent subscriber was disconnected");
        Assert.That(sink.Metrics.Subscribers, Is.Zero);
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task SilentSubscriber_DropPolicy_DropsExactlyWhatItCounts()
    {
        await using var sink = new TcpSink<LongEvent, LongCodec>(default, s_options with { MaxBufferedBytes = 64 * 1024, SlowSubscriberPolicy = SlowSubscriberPolicy.Drop });
        sink.Start();
        await using Pipeline<LongEvent> pipeline = Pipeline(sink);
        using RawClient silent = await Subscribe(sink, receiveBufferSize: 4096);
        const int n = 2_000_000;
        await Task.Run(() =>
        {
            for (int i = 0; i < n; i++)
            {
                pipeline.RingBuffer.Publish(new LongEvent { Value = i });
            }
        });
        await pipeline.DrainAsync();
        Assert.Multiple(() =>
        {
            Assert.That(sink.Metrics.EventsDropped, Is.GreaterThan(0));
            Assert.That(sink.Metrics.EventsQueued + sink.Metrics.EventsDropped, Is.EqualTo(n));
            Assert.That(sink.Metrics.Subscribers, Is.EqualTo(1));
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task SlowSubscriber_BackpressurePolicy_RingFillsThenEverythingArrives()
    {
        await using var sink = new TcpSink<LongEvent, LongCodec>(default, s_options with { MaxBufferedBytes = 64 * 1024, SlowSubscriberPolicy = SlowSubscriberPolicy.Backpressure });
        sink.Start();
        await using Pipeline<LongEvent> pipeline = Pipeline(sink, capacity: 1024);
        using RawClient slow = await Subscribe(sink, receiveBufferSize: 4096);
        const int n = 1_000_000;
        var producer = Task.Run(() =>
        {
            for (int i = 0; i < n; i++)
            {
                pipeline.RingBuffer.Publish(new LongEvent { Value = i });
            }
        });
        await Eventually.Until(() => pipeline.RingBuffer.Occupancy == 1024, "the ring filled behind the slow subscriber");
        Assert.That(producer.IsCompleted, Is.False);
        (List<long> values, _) = await ReadEvents(slow, n);
        await producer;
        Assert.Multiple(() =>
        {
            Assert.That(values, Is.EqualTo(Enumerable.Range(0, n).Select(i => (long)i)));
            Assert.That(sink.Metrics.EventsDropped, Is.Zero);
        });
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task Subscriber_WrongRoleOrToken_Refused()
    {
        await using var sink = new TcpSink<LongEvent, LongCodec>(default, s_options);
        sink.Start();
        using var publisherRole = await RawClient.ConnectAsync(sink.LocalEndPoint!);
        await publisherRole.SendAsync(RawClient.Hello(1, 8, 9, "sub", SessionRole.Publisher));
        using var wrongToken = await RawClient.ConnectAsync(sink.LocalEndPoint!);
        await wrongToken.SendAsync(RawClient.Hello(1, 8, 9, "bad", SessionRole.Subscriber));
        Assert.Multiple(async () =>
        {
            Assert.That(await publisherRole.ReadCloseReasonAsync(), Is.EqualTo(DisconnectReason.SchemaMismatch));
            Assert.That(await wrongToken.ReadCloseReasonAsync(), Is.EqualTo(DisconnectReason.AuthenticationFailed));
        });
    }

    [Test]
    [CancelAfter(20_000)]
    public async Task TcpSubscriber_ReadsEveryEventInOrder_ThenZeroWhenTheSinkStops()
    {
        var sink = new TcpSink<LongEvent, LongCodec>(default, s_options);
        sink.Start();
        await using Pipeline<LongEvent> pipeline = Pipeline(sink);
        using var subscriber = await Task.Run(() => TcpSubscriber<LongEvent, LongCodec>.Connect(sink.LocalEndPoint!, default, 9, "sub"u8));
        await Eventually.Until(() => sink.Metrics.Subscribers == 1, "subscribed");
        const int n = 20_000;
        for (int i = 0; i < n; i++)
        {
            pipeline.RingBuffer.Publish(new LongEvent { Value = i * 7 });
        }

        long[] values = await Task.Run(() =>
        {
            var received = new List<long>();
            var chunk = new LongEvent[300];
            while (received.Count < n)
            {
                int read = subscriber.Read(chunk, out long first);
                Assert.That(first, Is.EqualTo(received.Count), "ring sequences, no gap");
                received.AddRange(chunk.Take(read).Select(e => e.Value));
            }

            return received.ToArray();
        });
        await sink.DisposeAsync();
        int after = await Task.Run(() => subscriber.Read(new LongEvent[1], out _));
        Assert.Multiple(() =>
        {
            Assert.That(values, Is.EqualTo(Enumerable.Range(0, n).Select(i => i * 7L)));
            Assert.That(after, Is.Zero);
        });
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task TcpSubscriber_WrongToken_ThrowsProtocolExceptionWithReason()
    {
        await using var sink = new TcpSink<LongEvent, LongCodec>(default, s_options);
        sink.Start();
        var e = Assert.ThrowsAsync<ProtocolException>(() => Task.Run(() => TcpSubscriber<LongEvent, LongCodec>.Connect(sink.LocalEndPoint!, default, 9, "nope"u8).Dispose()));
        Assert.That(e!.Reason, Is.EqualTo(DisconnectReason.AuthenticationFailed));
    }

    [Test]
    [CancelAfter(20_000)]
    public async Task TcpSubscriberAsync_ReadsEveryEventInOrder_ThenZeroWhenTheSinkStops(CancellationToken token)
    {
        var sink = new TcpSink<LongEvent, LongCodec>(default, s_options);
        sink.Start();
        await using Pipeline<LongEvent> pipeline = Pipeline(sink);
        await using var subscriber = await TcpSubscriber<LongEvent, LongCodec>.ConnectAsync(sink.LocalEndPoint!, default, 9, "sub"u8.ToArray(), cancellationToken: token);
        await Eventually.Until(() => sink.Metrics.Subscribers == 1, "subscribed");
        const int n = 5_000;
        for (int i = 0; i < n; i++)
        {
            pipeline.RingBuffer.Publish(new LongEvent { Value = i * 3 });
        }

        var received = new List<long>();
        var chunk = new LongEvent[300];
        while (received.Count < n)
        {
            (int read, long first) = await subscriber.ReadAsync(chunk, token);
            Assert.That(first, Is.EqualTo(received.Count), "ring sequences, no gap");
            received.AddRange(chunk.Take(read).Select(e => e.Value));
        }

        await sink.DisposeAsync();
        (int after, _) = await subscriber.ReadAsync(new LongEvent[1], token);
        Assert.Multiple(() =>
        {
            Assert.That(received, Is.EqualTo(Enumerable.Range(0, n).Select(i => i * 3L)));
            Assert.That(after, Is.Zero, "0 once the sink closed");
        });
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task TcpSubscriberAsync_NothingFlows_ReadAsyncHonoursCancellation()
    {
        await using var sink = new TcpSink<LongEvent, LongCodec>(default, s_options);
        sink.Start();
        await using var subscriber = await TcpSubscriber<LongEvent, LongCodec>.ConnectAsync(sink.LocalEndPoint!, default, 9, "sub"u8.ToArray());
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        Assert.That(async () => await subscriber.ReadAsync(new LongEvent[4], cancel.Token), Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    [CancelAfter(10_000)]
    public async Task TcpSubscriberAsync_WrongToken_ThrowsProtocolExceptionWithReason()
    {
        await using var sink = new TcpSink<LongEvent, LongCodec>(default, s_options);
        sink.Start();
        var e = Assert.ThrowsAsync<ProtocolException>(async () => await TcpSubscriber<LongEvent, LongCodec>.ConnectAsync(sink.LocalEndPoint!, default, 9, "nope"u8.ToArray()));
        Assert.That(e!.Reason, Is.EqualTo(DisconnectReason.AuthenticationFailed));
    }
}

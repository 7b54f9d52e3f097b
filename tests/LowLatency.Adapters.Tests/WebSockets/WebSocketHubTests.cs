using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;
using LowLatency.Adapters.WebSockets;
using LowLatency.Engine;
using NUnit.Framework;

namespace LowLatency.Adapters.Tests.WebSockets;

[TestFixture]
public sealed class WebSocketHubTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Test]
    public async Task Connect_WithoutSubscribing_GetsHelloThenDefaultFeed()
    {
        await using LiveTestServer server = await LiveTestServer.StartAsync();
        using ClientWebSocket client = await server.ConnectAsync();

        JsonElement hello = await client.ReceiveJsonAsync(Timeout);
        Assert.That(hello.GetProperty("type").GetString(), Is.EqualTo("hello"));
        Assert.That(hello.GetProperty("topics").EnumerateArray().Select(t => t.GetProperty("name").GetString()), Is.EqualTo(new[] { "bars", "metrics" }));
        Assert.That(hello.GetProperty("topics")[0].GetProperty("default").GetString(), Is.EqualTo("busiest"));

        // Metrics: every key by default. Bars: the busiest keys once the hub has counted a period (1 s), so keep publishing.
        var seen = new HashSet<string>();
        var deadline = Stopwatch.StartNew();
        while (!(seen.Contains("metrics") && seen.Contains("bars:7")) && deadline.Elapsed < Timeout)
        {
            for (int i = 0; i < 20; i++)
            {
                server.Publisher.Publish(server.Bars, 7, i, [1, 2, 0.5, 1.5, 1.2, 100]); // key 7 is the busiest
            }

            server.Publisher.Publish(server.Bars, 8, 0, [1, 1, 1, 1, 1, 1]);
            server.Publisher.Publish(server.Metrics, 0, 0, [1000, 3]);
            foreach (JsonElement item in await ItemsAsync(client))
            {
                string topic = item.GetProperty("topic").GetString()!;
                seen.Add(topic == "bars" ? $"bars:{item.GetProperty("key").GetInt64()}" : topic);
            }
        }

        Assert.That(seen, Does.Contain("metrics").And.Contain("bars:7"));
    }

    [Test]
    public async Task DefaultFeed_BusiestBy_RanksKeysByTheFieldSum()
    {
        var hub = new WebSocketHub();
        LiveTopic bars = hub.AddTopic("bars", ["close", "count"], DefaultFeed.BusiestKeys, busiestKeys: 1, busiestBy: "count");
        hub.Start();
        await using WebSocketServer server = await WebSocketServer.StartAsync(hub);
        using LivePublisher publisher = hub.CreatePublisher();
        using var client = new ClientWebSocket();
        await client.ConnectAsync(new Uri($"ws://{server.LocalEndPoint}/ws"), CancellationToken.None);
        await client.ReceiveJsonAsync(Timeout);

        // Key 6 updates ten times as often, key 5 trades a hundred times as much: key 5 is the busiest.
        using var stop = new CancellationTokenSource();
        Task publishing = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                publisher.Publish(bars, 5, 0, [10, 1000]);
                for (int i = 0; i < 10; i++)
                {
                    publisher.Publish(bars, 6, 0, [10, 1]);
                }

                await Task.Delay(20);
            }
        });

        JsonElement frame = await client.ReceiveJsonAsync(Timeout); // after the first one-second period
        await stop.CancelAsync();
        await publishing;
        long[] received = [.. frame.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("key").GetInt64())];

        Assert.That(received, Is.Not.Empty.And.All.EqualTo(5));
    }

    [Test]
    public async Task Subscribe_WithKeys_GetsOnlyThoseKeys_UntilUnsubscribed()
    {
        await using LiveTestServer server = await LiveTestServer.StartAsync();
        using ClientWebSocket client = await server.ConnectAsync();
        await client.ReceiveJsonAsync(Timeout); // hello

        await client.SendTextAsync("""{"op":"subscribe","topic":"bars","keys":[3,5]}""");
        JsonElement ack = await client.ReceiveJsonAsync(Timeout);
        Assert.That(ack.GetProperty("type").GetString(), Is.EqualTo("subscribed"));

        // After the ack the subscription is in force: key 4 and the metrics are not selected any more.
        for (int key = 1; key <= 6; key++)
        {
            server.Publisher.Publish(server.Bars, key, 1, [key, key, key, key, key, key]);
        }

        server.Publisher.Publish(server.Metrics, 0, 1, [1, 1]);
        var keys = new List<long>();
        while (keys.Count < 2)
        {
            foreach (JsonElement item in await ItemsAsync(client))
            {
                Assert.That(item.GetProperty("topic").GetString(), Is.EqualTo("bars"));
                keys.Add(item.GetProperty("key").GetInt64());
                Assert.That(item.GetProperty("close").GetDouble(), Is.EqualTo(item.GetProperty("key").GetInt64()));
            }
        }

        Assert.That(keys, Is.EquivalentTo(new long[] { 3, 5 }));

        await client.SendTextAsync("""{"op":"unsubscribe","topic":"bars","keys":[3]}""");
        Assert.That((await client.ReceiveJsonAsync(Timeout)).GetProperty("type").GetString(), Is.EqualTo("unsubscribed"));
        server.Publisher.Publish(server.Bars, 3, 2, [9, 9, 9, 9, 9, 9]);
        server.Publisher.Publish(server.Bars, 5, 2, [5, 5, 5, 5, 5, 55]);
        JsonElement[] next = await ItemsAsync(client);
        Assert.That(next.Select(i => i.GetProperty("key").GetInt64()), Is.EqualTo(new long[] { 5 }));
        Assert.That(next[0].GetProperty("volume").GetDouble(), Is.EqualTo(55));
    }

    [Test]
    public async Task SilentClient_ReadsAfterFiveSeconds_GetsLatestPerKey_AndConflatedAreCounted()
    {
        const int Keys = 100;
        await using LiveTestServer server = await LiveTestServer.StartAsync();
        using ClientWebSocket client = await ConnectToBarsAsync(server);

        // Publish for 5 s while the client reads nothing: every key gets a new value every millisecond or so.
        var latest = new double[Keys];
        long version = 0;
        var publishing = Stopwatch.StartNew();
        while (publishing.Elapsed < TimeSpan.FromSeconds(5))
        {
            version++;
            for (int key = 0; key < Keys; key++)
            {
                Assert.That(server.Publisher.Publish(server.Bars, key, version, [version, version, version, version, version, key]), Is.Not.EqualTo(PublishResult.Closed));
                latest[key] = version;
            }

            await Task.Delay(1);
        }

        while (server.Publisher.Flush() > 0)
        {
            await Task.Delay(1);
        }

        // Now read: the last value received for every key is the last one published.
        var received = new double[Keys];
        long items = 0;
        while (!received.AsSpan().SequenceEqual(latest))
        {
            foreach (JsonElement item in await ItemsAsync(client))
            {
                received[item.GetProperty("key").GetInt64()] = item.GetProperty("close").GetDouble();
                items++;
            }
        }

        WebSocketClientInfo info = server.Hub.GetClients().Single();
        TestContext.Out.WriteLine($"published {version * Keys}, offered {info.Offered}, sent {info.Sent}, conflated {info.Conflated}, skipped {info.Skipped}, received {items}");
        Assert.That(info.Conflated + info.Skipped, Is.GreaterThan(0), "a client that read nothing for 5 s had updates conflated or skipped");
        Assert.That(info.Offered, Is.EqualTo(info.Sent + info.Conflated + info.Pending), "every update read for the client is sent, conflated or in the frame being sent");
        Assert.That(info.Sent, Is.LessThan(version * Keys), "fewer, fresher updates");
    }

    [Test]
    public async Task SilentClient_FallsBehindTheWholeLog_GetsLatestPerKeyFromTheTable_AndSkippedAreCounted()
    {
        const int Keys = 100;
        await using LiveTestServer server = await LiveTestServer.StartAsync(WebSocketHubOptions.Default with { ChangeLogCapacity = 512 });
        using ClientWebSocket client = await ConnectToBarsAsync(server);

        // Far more updates than the log keeps (and than the socket buffers hold), while the client reads nothing.
        const int Versions = 2000;
        for (int version = 1; version <= Versions; version++)
        {
            PublishRound(server, Keys, version);

            if (version % 50 == 0)
            {
                await FlushAsync(server.Publisher);
            }
        }

        await FlushAsync(server.Publisher);
        var received = new double[Keys];
        while (received.AsSpan().IndexOfAnyExcept((double)Versions) >= 0)
        {
            foreach (JsonElement item in await ItemsAsync(client))
            {
                long key = item.GetProperty("key").GetInt64();
                double close = item.GetProperty("close").GetDouble();
                Assert.That(close, Is.GreaterThanOrEqualTo(received[key]), $"key {key} went back in time");
                received[key] = close;
            }
        }

        WebSocketClientInfo info = server.Hub.GetClients().Single();
        TestContext.Out.WriteLine($"published {Versions * Keys}, offered {info.Offered}, sent {info.Sent}, conflated {info.Conflated}, skipped {info.Skipped}");
        Assert.That(info.Skipped, Is.GreaterThan(0), "the client fell more than 512 updates behind");
        Assert.That(info.Offered, Is.EqualTo(info.Sent + info.Conflated + info.Pending));
        Assert.That(info.Sent, Is.LessThan(Versions * Keys / 10), "fewer, fresher updates");
    }

    [Test]
    public async Task ReadingClients_WhilePublishing_EachKeyArrivesInOrder_EndingAtItsLatest()
    {
        // Conservation of the newest value under concurrency: 4 clients read while the publisher writes 64 keys,
        // with a log small enough that slower clients lap it (rescans) and faster ones read it entry by entry.
        const int Keys = 64;
        const int Versions = 3000;
        await using LiveTestServer server = await LiveTestServer.StartAsync(WebSocketHubOptions.Default with { ChangeLogCapacity = 1024 });
        var clients = new List<ClientWebSocket>();
        for (int i = 0; i < 4; i++)
        {
            clients.Add(await ConnectToBarsAsync(server, i % 2 == 0 ? "" : "?format=binary"));
        }

        Task<long>[] readers = [.. clients.Select(c => ReadUntilLatestAsync(c, Keys, Versions))];
        await PublishRoundsAsync(server, Keys, 0, Versions);

        long[] read = await Task.WhenAll(readers).WaitAsync(TimeSpan.FromSeconds(30));
        TestContext.Out.WriteLine($"updates read per client: {string.Join(", ", read)}; skipped: {string.Join(", ", server.Hub.GetClients().Select(c => c.Skipped))}");
        foreach (WebSocketClientInfo info in server.Hub.GetClients())
        {
            Assert.That(info.Offered, Is.EqualTo(info.Sent + info.Conflated + info.Pending));
        }

        foreach (ClientWebSocket client in clients)
        {
            client.Dispose();
        }
    }

    [Test]
    public async Task ManyJsonClients_SameValues_EachValueFormattedOnceForAll_AndEveryItemIsTheValuePublished()
    {
        const int Clients = 8;
        const int Keys = 64;
        await using LiveTestServer server = await LiveTestServer.StartAsync();
        var clients = new List<ClientWebSocket>();
        for (int i = 0; i < Clients; i++)
        {
            clients.Add(await ConnectToBarsAsync(server));
        }

        PublishRound(server, Keys, version: 1);
        await FlushAsync(server.Publisher);
        foreach (ClientWebSocket client in clients)
        {
            var keys = new HashSet<long>();
            while (keys.Count < Keys)
            {
                foreach (JsonElement item in await ItemsAsync(client))
                {
                    // PublishRound: time = open = high = low = close = vwap = the version, volume = the key.
                    long key = item.GetProperty("key").GetInt64();
                    Assert.That(new[] { "open", "high", "low", "close", "vwap" }.Select(f => item.GetProperty(f).GetDouble()), Is.All.EqualTo(1.0));
                    Assert.That(item.GetProperty("time").GetInt64(), Is.EqualTo(1));
                    Assert.That(item.GetProperty("volume").GetDouble(), Is.EqualTo(key));
                    keys.Add(key);
                }
            }

            client.Dispose();
        }

        // Formatted per client, it would be Clients × Keys; two loops that need a value at the same instant may both
        // format it, so allow up to half of that.
        // The hub counts a frame once its send completed, which may be just after the client read it.
        var counting = Stopwatch.StartNew();
        while (server.Hub.Sent < Clients * Keys && counting.Elapsed < Timeout)
        {
            await Task.Delay(10);
        }

        TestContext.Out.WriteLine($"sent {server.Hub.Sent}, formatted {server.Hub.Encoded}");
        Assert.That(server.Hub.Sent, Is.EqualTo(Clients * Keys));
        Assert.That(server.Hub.Encoded, Is.InRange(Keys, Clients * Keys / 2));
    }

    [Test]
    public async Task StalledClient_WithAFrameInFlight_IsNotTouchedPerUpdate()
    {
        const int Keys = 100;
        await using LiveTestServer server = await LiveTestServer.StartAsync();
        using ClientWebSocket client = await ConnectToBarsAsync(server);

        // Publish until the client's socket buffers are full and a frame waits to be written: the connection's
        // counters stop moving.
        long version = 0;
        long offered = -1;
        var filling = Stopwatch.StartNew();
        while (offered != server.Hub.GetClients().Single().Offered)
        {
            Assert.That(filling.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)), "the socket buffers never filled");
            offered = server.Hub.GetClients().Single().Offered;
            version = await PublishRoundsAsync(server, Keys, version, 200);

            await Task.Delay(100);
        }

        // 100,000 more updates: the hub reads nothing for this connection while its frame is in flight.
        version = await PublishRoundsAsync(server, Keys, version, 1000);

        await Task.Delay(200);
        WebSocketClientInfo info = server.Hub.GetClients().Single();
        TestContext.Out.WriteLine($"published {version * Keys}, offered {info.Offered}, sent {info.Sent}, pending {info.Pending}");
        Assert.That(info.Offered, Is.EqualTo(offered), "no update was read for the stalled connection");
        Assert.That(info.Pending, Is.GreaterThan(0), "its frame is in flight");
    }

    [Test]
    public async Task MinFrameInterval_PacesFrames_AndTheLastValueStillArrives()
    {
        const int Keys = 8;
        var interval = TimeSpan.FromMilliseconds(200);
        await using LiveTestServer server = await LiveTestServer.StartAsync(WebSocketHubOptions.Default with { MinFrameInterval = interval });
        using ClientWebSocket client = await ConnectToBarsAsync(server);

        // Publish every key every millisecond or so for a second while the client reads every frame.
        var received = new double[Keys];
        int frames = 0;
        Task reading = Task.Run(async () =>
        {
            while (received.AsSpan().IndexOfAnyExcept(-1.0) >= 0)
            {
                foreach (JsonElement item in await ItemsAsync(client))
                {
                    received[item.GetProperty("key").GetInt64()] = item.GetProperty("close").GetDouble();
                }

                frames++;
            }
        });
        var clock = Stopwatch.StartNew();
        long version = 0;
        while (clock.Elapsed < TimeSpan.FromSeconds(1))
        {
            version++;
            PublishRound(server, Keys, version);

            await Task.Delay(1);
        }

        // The last value: -1 for every key, then wait for the reader to see it.
        for (int key = 0; key < Keys; key++)
        {
            server.Publisher.Publish(server.Bars, key, version + 1, [-1, -1, -1, -1, -1, key]);
        }

        await FlushAsync(server.Publisher);
        await reading.WaitAsync(Timeout);
        TimeSpan elapsed = clock.Elapsed;
        TestContext.Out.WriteLine($"{frames} frames in {elapsed.TotalMilliseconds:F0} ms for {version * Keys} updates");
        Assert.That(frames, Is.LessThanOrEqualTo((elapsed / interval) + 2), "at most one frame per interval");
    }

    [Test]
    public async Task MinFrameInterval_ClientsWaitingForTheNextTick_GetNoSecondFrame_AndShutdownClosesThemWithoutWaitingForIt()
    {
        // One tick of the hub's pacing clock every five minutes: each client gets a frame at once, then waits for a tick
        // that never comes within the test.
        LiveTestServer server = await LiveTestServer.StartAsync(WebSocketHubOptions.Default with { MinFrameInterval = TimeSpan.FromMinutes(5) });
        var clients = new List<ClientWebSocket>();
        for (int i = 0; i < 10; i++)
        {
            clients.Add(await ConnectToBarsAsync(server));
        }

        PublishRound(server, 8, 1);
        await FlushAsync(server.Publisher);
        foreach (ClientWebSocket client in clients)
        {
            Assert.That(await ItemsAsync(client), Is.Not.Empty);
        }

        long sent = server.Hub.GetClients().Sum(c => c.Sent);
        PublishRound(server, 8, 2);
        await FlushAsync(server.Publisher);
        var buffer = new byte[64 * 1024];
        Task<WebSocketReceiveResult>[] next = [.. clients.Select((c, i) => c.ReceiveAsync(new ArraySegment<byte>(buffer, i * 4096, 4096), CancellationToken.None))];

        // A frame that ignored the clock would arrive within this (the unpaced hub sends within milliseconds).
        await Task.Delay(500);
        Assert.That(next.Count(t => t.IsCompleted), Is.Zero, "no second frame before the next tick");
        Assert.That(server.Hub.GetClients().Sum(c => c.Sent), Is.EqualTo(sent));

        await server.DisposeAsync().AsTask().WaitAsync(Timeout);
        foreach (Task<WebSocketReceiveResult> receive in next)
        {
            WebSocketReceiveResult result = await receive.WaitAsync(Timeout);
            Assert.That(result.MessageType, Is.EqualTo(WebSocketMessageType.Close));
            Assert.That(result.CloseStatus, Is.EqualTo(WebSocketCloseStatus.EndpointUnavailable));
        }

        Assert.That(server.Hub.GetClosed(CloseReason.ServerShutdown), Is.EqualTo(10));
        clients.ForEach(c => c.Dispose());
    }

    /// <summary>Reads until every key has shown version <paramref name="last"/>; asserts each key's versions never go back. Returns the updates read.</summary>
    private static async Task<long> ReadUntilLatestAsync(ClientWebSocket client, int keys, int last)
    {
        var seen = new double[keys];
        long updates = 0;
        while (seen.AsSpan().IndexOfAnyExcept((double)last) >= 0)
        {
            (WebSocketMessageType type, byte[] payload) = await client.ReceiveAsync(Timeout);
            foreach ((long key, double close) in type == WebSocketMessageType.Binary ? BinaryCloses(payload) : JsonCloses(payload))
            {
                Assert.That(close, Is.GreaterThanOrEqualTo(seen[key]), $"key {key} went back from {seen[key]} to {close}");
                seen[key] = close;
                updates++;
            }
        }

        return updates;
    }

    private static IEnumerable<(long Key, double Close)> JsonCloses(byte[] payload)
    {
        JsonElement root = JsonDocument.Parse(payload).RootElement;
        return root.GetProperty("type").GetString() != "updates"
            ? []
            : [.. root.GetProperty("items").EnumerateArray().Select(i => (i.GetProperty("key").GetInt64(), i.GetProperty("close").GetDouble()))];
    }

    private static List<(long Key, double Close)> BinaryCloses(byte[] frame)
    {
        var items = new List<(long, double)>();
        int count = BinaryPrimitives.ReadUInt16LittleEndian(frame.AsSpan(2));
        int at = 4;
        for (int i = 0; i < count; i++)
        {
            int fields = frame[at + 1];
            items.Add((BinaryPrimitives.ReadInt64LittleEndian(frame.AsSpan(at + 2)), BinaryPrimitives.ReadDoubleLittleEndian(frame.AsSpan(at + 18 + (3 * 8)))));
            at += 18 + (8 * fields);
        }

        return items;
    }

    /// <summary>A client past the hello, subscribed to every key of <c>bars</c> (the acknowledgement read).</summary>
    private static async Task<ClientWebSocket> ConnectToBarsAsync(LiveTestServer server, string query = "")
    {
        ClientWebSocket client = await server.ConnectAsync(query);
        await client.ReceiveJsonAsync(Timeout);
        await client.SendTextAsync("""{"op":"subscribe","topic":"bars"}""");
        await client.ReceiveJsonAsync(Timeout);
        return client;
    }

    /// <summary>Publishes version <paramref name="version"/> of every key of <c>bars</c> (close = the version).</summary>
    private static void PublishRound(LiveTestServer server, int keys, long version)
    {
        for (int key = 0; key < keys; key++)
        {
            server.Publisher.Publish(server.Bars, key, version, [version, version, version, version, version, key]);
        }
    }

    /// <summary>Publishes <paramref name="rounds"/> more versions of every key, each flushed into the hub; returns the last version.</summary>
    private static async Task<long> PublishRoundsAsync(LiveTestServer server, int keys, long version, int rounds)
    {
        for (int i = 0; i < rounds; i++)
        {
            PublishRound(server, keys, ++version);
            await FlushAsync(server.Publisher);
        }

        return version;
    }

    private static async Task FlushAsync(LivePublisher publisher)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (publisher.Flush() > 0)
        {
            await Task.Delay(1, timeout.Token);
        }
    }

    [Test]
    public async Task BinaryFormat_FramesFollowTheReadmeLayout()
    {
        await using LiveTestServer server = await LiveTestServer.StartAsync();
        using ClientWebSocket client = await server.ConnectAsync("?format=binary");
        JsonElement hello = await client.ReceiveJsonAsync(Timeout); // hello is always JSON text
        Assert.That(hello.GetProperty("format").GetString(), Is.EqualTo("binary"));
        await client.SendTextAsync("""{"op":"subscribe","topic":"metrics","keys":[2]}""");
        await client.ReceiveJsonAsync(Timeout);

        server.Publisher.Publish(server.Metrics, 2, 1_733_450_000_000_000_000, [1234.5, 17]);
        (WebSocketMessageType type, byte[] frame) = await client.ReceiveAsync(Timeout);

        Assert.That(type, Is.EqualTo(WebSocketMessageType.Binary));
        Assert.That(frame.Length, Is.EqualTo(4 + 18 + 16));
        Assert.That(frame[0], Is.EqualTo(0x4C), "magic 'L'");
        Assert.That(frame[1], Is.EqualTo(1), "version");
        Assert.That(BinaryPrimitives.ReadUInt16LittleEndian(frame.AsSpan(2)), Is.EqualTo(1), "count");
        Assert.That(frame[4], Is.EqualTo(server.Metrics.Id), "topic id");
        Assert.That(frame[5], Is.EqualTo(2), "field count");
        Assert.That(BinaryPrimitives.ReadInt64LittleEndian(frame.AsSpan(6)), Is.EqualTo(2), "key");
        Assert.That(BinaryPrimitives.ReadInt64LittleEndian(frame.AsSpan(14)), Is.EqualTo(1_733_450_000_000_000_000), "time");
        Assert.That(BinaryPrimitives.ReadDoubleLittleEndian(frame.AsSpan(22)), Is.EqualTo(1234.5));
        Assert.That(BinaryPrimitives.ReadDoubleLittleEndian(frame.AsSpan(30)), Is.EqualTo(17));
        Assert.That(Convert.ToHexString(frame), Is.EqualTo(ReadmeBinaryExample.Replace(" ", "", StringComparison.Ordinal)), "the README's example, byte for byte");
    }

    [Test]
    public async Task JsonFormat_FramesAreTheReadmeExample()
    {
        await using LiveTestServer server = await LiveTestServer.StartAsync();
        using ClientWebSocket client = await server.ConnectAsync();
        await client.ReceiveJsonAsync(Timeout);
        await client.SendTextAsync("""{"op":"subscribe","topic":"metrics","keys":[2]}""");
        Assert.That((await client.ReceiveAsync(Timeout)).Payload, Is.EqualTo("""{"type":"subscribed","topic":"metrics","keys":[2]}"""u8.ToArray()));

        server.Publisher.Publish(server.Metrics, 2, 1_733_450_000_000_000_000, [1234.5, 17]);
        (WebSocketMessageType type, byte[] frame) = await client.ReceiveAsync(Timeout);

        Assert.That(type, Is.EqualTo(WebSocketMessageType.Text));
        Assert.That(System.Text.Encoding.UTF8.GetString(frame), Is.EqualTo(ReadmeJsonExample));
    }

    /// <summary>adapters/LowLatency.Adapters.WebSockets/README.md, "Binary frames".</summary>
    private const string ReadmeBinaryExample = "4C 01 01 00 01 02 02 00 00 00 00 00 00 00 00 A0 E6 3D 97 73 0E 18 00 00 00 00 00 4A 93 40 00 00 00 00 00 00 31 40";

    /// <summary>adapters/LowLatency.Adapters.WebSockets/README.md, "JSON frames".</summary>
    private const string ReadmeJsonExample = """{"type":"updates","items":[{"topic":"metrics","key":2,"time":1733450000000000000,"events_per_second":1234.5,"lag":17}]}""";

    /// <summary>The items of the next "updates" frame.</summary>
    private static async Task<JsonElement[]> ItemsAsync(ClientWebSocket client)
    {
        JsonElement frame = await client.ReceiveJsonAsync(Timeout);
        Assert.That(frame.GetProperty("type").GetString(), Is.EqualTo("updates"));
        return [.. frame.GetProperty("items").EnumerateArray()];
    }
}

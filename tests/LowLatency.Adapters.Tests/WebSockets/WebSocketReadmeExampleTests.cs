using System.Net.WebSockets;
using System.Text.Json;
using LowLatency.Adapters.WebSockets;
using LowLatency.Engine;
using NUnit.Framework;

namespace LowLatency.Adapters.Tests.WebSockets;

/// <summary>The adapter README's first example, as written there, then a client that reads what it published.</summary>
[TestFixture]
public sealed class WebSocketReadmeExampleTests
{
    [Test]
    public async Task ReadmeExample_PublishesABarThatAClientReads()
    {
        var hub = new WebSocketHub(WebSocketHubOptions.Default with { Token = "s3cret" });
        LiveTopic bars = hub.AddTopic("bars", ["open", "high", "low", "close", "vwap", "volume"], DefaultFeed.BusiestKeys, busiestKeys: 8);
        hub.Start();

        await using WebSocketServer server = await WebSocketServer.StartAsync(hub);
        Console.WriteLine($"dashboard: http://{server.LocalEndPoint}/?token=s3cret");

        // (The test's client, before the publish.)
        using var client = new ClientWebSocket();
        await client.ConnectAsync(new Uri($"ws://{server.LocalEndPoint}/ws?token=s3cret"), CancellationToken.None);
        await client.ReceiveJsonAsync(TimeSpan.FromSeconds(10));
        await client.SendTextAsync("""{"op":"subscribe","topic":"bars","keys":[17]}""");
        await client.ReceiveJsonAsync(TimeSpan.FromSeconds(10));

        using LivePublisher publisher = hub.CreatePublisher("bars");
        long windowStart = DateTimeOffset.UtcNow.ToUnixTimeSeconds() * 1_000_000_000;
        PublishResult result = publisher.Publish(bars, key: 17, time: windowStart, [100.0, 101.5, 99.8, 101.0, 100.6, 12_000]);
        Console.WriteLine(result); // Ok

        Assert.That(result, Is.EqualTo(PublishResult.Ok));
        JsonElement item = (await client.ReceiveJsonAsync(TimeSpan.FromSeconds(10))).GetProperty("items")[0];
        Assert.That(item.GetProperty("key").GetInt64(), Is.EqualTo(17));
        Assert.That(item.GetProperty("time").GetInt64(), Is.EqualTo(windowStart));
        Assert.That(item.GetProperty("vwap").GetDouble(), Is.EqualTo(100.6));
        Assert.That(hub.BufferBytesPerConnection, Is.InRange(64 * 1024, 96 * 1024), "the README's order of magnitude");
    }
}

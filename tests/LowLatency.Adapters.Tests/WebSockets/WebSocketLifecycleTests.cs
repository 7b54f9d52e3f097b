using System.Net.WebSockets;
using System.Net;
using LowLatency.Adapters.WebSockets;
using LowLatency.Engine;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using NUnit.Framework;

namespace LowLatency.Adapters.Tests.WebSockets;

[TestFixture]
public sealed class WebSocketLifecycleTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Test]
    public async Task Shutdown_WithClientsAttached_EachGets1001AndDisposeCompletes()
    {
        LiveTestServer server = await LiveTestServer.StartAsync();
        var clients = new List<ClientWebSocket>();
        for (int i = 0; i < 20; i++)
        {
            ClientWebSocket client = await server.ConnectAsync();
            await client.ReceiveJsonAsync(Timeout);
            clients.Add(client);
        }

        server.Publisher.Publish(server.Metrics, 1, 1, [1, 1]);
        Task closing = server.DisposeAsync().AsTask();

        foreach (ClientWebSocket client in clients)
        {
            (WebSocketCloseStatus? status, string? reason) = await client.ReceiveCloseAsync(Timeout);
            Assert.That(status, Is.EqualTo(WebSocketCloseStatus.EndpointUnavailable));
            Assert.That(reason, Is.EqualTo("server shutting down"));
            await client.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
            client.Dispose();
        }

        await closing.WaitAsync(Timeout);
        Assert.That(server.Hub.GetClosed(CloseReason.ServerShutdown), Is.EqualTo(20));
        Assert.That(server.Hub.ConnectionCount, Is.Zero);
        Assert.That(server.Publisher.Publish(server.Metrics, 1, 2, [1, 1]), Is.EqualTo(PublishResult.Closed));
    }

    [Test]
    public async Task Shutdown_WithAStalledClient_AbortsItWithinTheCloseTimeout()
    {
        LiveTestServer server = await LiveTestServer.StartAsync(WebSocketHubOptions.Default with { CloseTimeout = TimeSpan.FromMilliseconds(500) });
        using ClientWebSocket stalled = await server.ConnectAsync();
        await stalled.SendTextAsync("""{"op":"subscribe","topic":"bars"}""");

        // Fill the socket buffers: the client never reads.
        for (int round = 0; round < 400; round++)
        {
            for (int key = 0; key < 200; key++)
            {
                server.Publisher.Publish(server.Bars, key, round, [round, round, round, round, round, round]);
            }

            await Task.Delay(1);
        }

        await server.DisposeAsync().AsTask().WaitAsync(Timeout);
        Assert.That(server.Hub.ConnectionCount, Is.Zero);
    }

    [Test]
    public async Task IdleReader_FramePastIdleTimeout_AbortedAndCountedStalled_WhileAReaderStays()
    {
        await using LiveTestServer server = await LiveTestServer.StartAsync(WebSocketHubOptions.Default with { IdleTimeout = TimeSpan.FromSeconds(1) });
        using ClientWebSocket stalled = await server.ConnectAsync();
        using ClientWebSocket reader = await server.ConnectAsync();
        await stalled.SendTextAsync("""{"op":"subscribe","topic":"bars"}""");
        await reader.SendTextAsync("""{"op":"subscribe","topic":"bars"}""");
        using var stop = new CancellationTokenSource();
        Task reading = Task.Run(async () =>
        {
            var buffer = new byte[64 * 1024];
            while (!stop.IsCancellationRequested)
            {
                await reader.ReceiveAsync(buffer, stop.Token);
            }
        });

        // Publish until the stalled client's buffers are full and its frame in flight outlives the idle timeout.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        for (int round = 0; server.Hub.GetClosed(CloseReason.Stalled) == 0; round++)
        {
            Assert.That(waited.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)), "the stalled client was never aborted");
            for (int key = 0; key < 200; key++)
            {
                server.Publisher.Publish(server.Bars, key, round, [round, round, round, round, round, round]);
            }

            await Task.Delay(1);
        }

        // The abort ends the stalled connection; the reader, whose frames never waited a second, stays open.
        while (server.Hub.ConnectionCount > 1 && waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(10);
        }

        Assert.That(server.Hub.ConnectionCount, Is.EqualTo(1));
        Assert.That(server.Hub.GetClosed(CloseReason.Stalled), Is.EqualTo(1));
        Assert.That(reader.State, Is.EqualTo(WebSocketState.Open));
        Assert.That(server.Hub.GetClients().Single().Sent, Is.GreaterThan(0), "the reader got updates");
        await stop.CancelAsync();
        Assert.That(async () => await reading, Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public async Task Churn_2000Connections_DescriptorsAndMemoryBackToBaseline()
    {
        await using LiveTestServer server = await LiveTestServer.StartAsync();
        await ChurnAsync(server, 200); // warm-up: thread pool, Kestrel's pools, JIT
        (int fds, long heap) baseline = await SettledAsync(server);

        await ChurnAsync(server, 2000);
        (int fds, long heap) after = await SettledAsync(server);

        TestContext.Out.WriteLine($"descriptors {baseline.fds} → {after.fds}, managed heap {baseline.heap / 1024} KiB → {after.heap / 1024} KiB, closed by clients {server.Hub.GetClosed(CloseReason.ClientClosed)}");
        Assert.That(server.Hub.GetClosed(CloseReason.ClientClosed), Is.EqualTo(2200));
        Assert.That(after.fds, Is.LessThanOrEqualTo(baseline.fds + 4), "descriptors back to baseline (a few for runtime threads)");
        Assert.That(after.heap, Is.LessThan(baseline.heap + (4 << 20)), "managed heap back to baseline (within 4 MiB; 2,000 leaked connections would hold > 60 MiB)");
    }

    [Test]
    public async Task MapLiveUpdates_IntoAnExistingApp_ServesTheHubThere()
    {
        await using var hub = new WebSocketHub();
        LiveTopic prices = hub.AddTopic("prices", ["bid", "ask"], DefaultFeed.AllKeys);
        hub.Start();
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        await using WebApplication app = builder.Build();
        app.MapLiveUpdates("/live/prices", hub);
        await app.StartAsync();
        string address = app.Urls.First();

        using var client = new ClientWebSocket();
        await client.ConnectAsync(new Uri(address.Replace("http", "ws", StringComparison.Ordinal) + "/live/prices"), CancellationToken.None);
        await client.ReceiveJsonAsync(Timeout);
        using LivePublisher publisher = hub.CreatePublisher();
        publisher.Publish(prices, 42, 1, [99.5, 100.5]);
        var frame = await client.ReceiveJsonAsync(Timeout);

        Assert.That(frame.GetProperty("items")[0].GetProperty("ask").GetDouble(), Is.EqualTo(100.5));
        await hub.DisposeAsync();
        await app.StopAsync();
    }

    [Test]
    public async Task Publish_SteadyState_AllocatesNothing()
    {
        await using LiveTestServer server = await LiveTestServer.StartAsync();
        using ClientWebSocket client = await server.ConnectAsync();
        await client.SendTextAsync("""{"op":"subscribe","topic":"bars"}""");
        double[] values = [1, 2, 3, 4, 5, 6];
        for (int i = 0; i < 20_000; i++)
        {
            server.Publisher.Publish(server.Bars, i % 64, i, values); // warm-up: JIT, tiering
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100_000; i++)
        {
            server.Publisher.Publish(server.Bars, i % 64, i, values);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(allocated, Is.Zero);
        Assert.That(server.Publisher.Published + server.Publisher.Conflated, Is.GreaterThanOrEqualTo(100_000));
    }

    private static async Task ChurnAsync(LiveTestServer server, int connections)
    {
        const int Parallel = 50;
        long closedBefore = server.Hub.GetClosed(CloseReason.ClientClosed);
        for (int done = 0; done < connections; done += Parallel)
        {
            await Task.WhenAll(Enumerable.Range(0, Parallel).Select(async _ =>
            {
                using ClientWebSocket client = await server.ConnectAsync();
                await client.ReceiveJsonAsync(Timeout);
                await client.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
            }));
        }

        await WebSocketLimitsTests.Eventually(() => server.Hub.GetClosed(CloseReason.ClientClosed) == closedBefore + connections && server.Hub.ConnectionCount == 0);
    }

    private static async Task<(int Fds, long Heap)> SettledAsync(LiveTestServer server)
    {
        // Kestrel returns sockets to the OS asynchronously: wait until the descriptor count stops moving.
        int previous = -1;
        int fds = Descriptors();
        for (int i = 0; i < 50 && fds != previous; i++)
        {
            await Task.Delay(100);
            previous = fds;
            fds = Descriptors();
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.That(server.Hub.ConnectionCount, Is.Zero);
        return (Descriptors(), GC.GetTotalMemory(forceFullCollection: true));
    }

    private static int Descriptors() => Directory.GetFiles("/proc/self/fd").Length;
}

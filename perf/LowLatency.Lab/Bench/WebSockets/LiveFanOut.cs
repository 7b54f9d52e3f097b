using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using LowLatency.Adapters.WebSockets;
using LowLatency.Lab.Measurement;

namespace LowLatency.Lab.Bench.WebSockets;

/// <summary>
/// The WebSocket adapter on its own Kestrel with N loopback <see cref="ClientWebSocket"/>s subscribed to every key of
/// <c>bars</c>, some of which may never read: in this process (latency measured), or in a child process
/// (<see cref="ChildClients"/>: the server's CPU and memory alone).
/// </summary>
internal sealed class LiveFanOut : IFanOutFixture
{
    private static readonly string[] s_fields = ["open", "high", "low", "close", "vwap", "volume"];
    private static readonly byte[] s_time = Encoding.UTF8.GetBytes("\"time\":");

    private readonly WebSocketServer _server;
    private readonly LiveTopic _bars;
    private readonly LivePublisher _publisher;
    private readonly List<ClientWebSocket> _clients = [];
    private readonly List<Task> _readers = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly bool _binary;
    private ChildClients? _child;

    private LiveFanOut(WebSocketServer server, LiveTopic bars, bool binary)
    {
        _server = server;
        _bars = bars;
        _binary = binary;
        _publisher = server.Hub.CreatePublisher("bench");
    }

    public FanOutLatency Latency { get; } = new();

    public long Delivered => Latency.Delivered;

    public long Conflated => _server.Hub.GetClients().Sum(c => c.Conflated + c.Skipped);

    public (double HeapBytes, double RssBytes) MemoryPerClient { get; private set; }

    public WebSocketHub Hub => _server.Hub;

    /// <summary>The CPU time the clients' child process has used so far; zero when the clients run in this process.</summary>
    public TimeSpan ClientProcessorTime => _child?.ProcessorTime ?? TimeSpan.Zero;

    public LiveTopic Bars => _bars;

    /// <summary>
    /// Starts a hub (frames paced at <see cref="FrameInterval"/>, buffers capped at <see cref="MemoryCapBytes"/>) and
    /// connects <c>clients</c> clients, of which <c>stalled</c> never read. With <c>clientsInChild</c> they run in a
    /// child process (<see cref="ChildClients"/>): the pipeline scenarios, which measure the server's cost. Otherwise
    /// they run in this process: the fan-out scenarios, which measure delivery and latency.
    /// </summary>
    public static async Task<LiveFanOut> StartAsync(int clients, int stalled, bool binary, bool clientsInChild = false)
    {
        WebSocketHub hub = StartHub("bench", clients);
        LiveTopic bars = hub.Topics[0];
        WebSocketServer server = await WebSocketServer.StartAsync(hub, WebSocketServerOptions.Default with { Dashboard = false });
        var fixture = new LiveFanOut(server, bars, binary);
        if (clientsInChild)
        {
            await fixture.ConnectChildAsync(clients, stalled);
        }
        else
        {
            await fixture.ConnectAsync(clients, stalled);
        }

        return fixture;
    }

    /// <summary>A started hub with the bench's options and its one topic, <c>bars</c> (<c>Topics[0]</c>), for <paramref name="clients"/> connections.</summary>
    public static WebSocketHub StartHub(string name, int clients)
    {
        var hub = new WebSocketHub(WebSocketHubOptions.Default with
        {
            Name = name,
            MaxConnections = clients + 16,
            MaxBufferBytes = MemoryCapBytes,
            MinFrameInterval = FrameInterval,
        });
        hub.AddTopic("bars", s_fields);
        hub.Start();
        return hub;
    }

    /// <summary>
    /// At most 20 frames a second per client (<see cref="WebSocketHubOptions.MinFrameInterval"/>): what a live screen
    /// can use, and few enough that a client reading slower than the server can send does not fill its socket's
    /// receive buffer with stale frames (newer values wait in the hub's table instead).
    /// </summary>
    public static readonly TimeSpan FrameInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>The bench's cap on the hub's buffers (<see cref="WebSocketHubOptions.MaxBufferBytes"/>).</summary>
    public const long MemoryCapBytes = 128L << 20;

    public ValueTask PublishRoundAsync(int keys)
    {
        ReadOnlySpan<double> values = [100, 101, 99, 100.5, 100.2, 1000];
        for (int key = 0; key < keys; key++)
        {
            _publisher.Publish(_bars, key, Stopwatch.GetTimestamp(), values);
        }

        _publisher.Flush();
        return ValueTask.CompletedTask;
    }

    private async Task ConnectChildAsync(int clients, int stalled)
    {
        Collect();
        long heap = GC.GetTotalMemory(forceFullCollection: true);
        long rss = new ProcessSampler().ResidentBytes();
        _child = await ChildClients.StartAsync(new Uri($"ws://127.0.0.1:{_server.LocalEndPoint.Port}/ws"), clients, stalled);
        var waited = Stopwatch.StartNew();
        while (_server.Hub.ConnectionCount < clients)
        {
            if (waited.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException($"{_server.Hub.ConnectionCount} of {clients} child clients open after 30 s (refused for the memory cap: {_server.Hub.GetClosed(CloseReason.MemoryCap)}).");
            }

            await Task.Delay(10);
        }

        Collect();
        MemoryPerClient = ((GC.GetTotalMemory(forceFullCollection: true) - heap) / (double)clients, (new ProcessSampler().ResidentBytes() - rss) / (double)clients);
        await SettleAsync(stalled);
    }

    /// <summary>
    /// Connections whose frame in flight has not moved for <see cref="StuckAfter"/> (their client reads nothing, and
    /// the socket buffers are full), when the measured section began.
    /// </summary>
    public int StuckAtStart { get; private set; }

    private static readonly TimeSpan StuckAfter = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Publishes every key at the pipeline's pace until <paramref name="stalled"/> connections are stuck behind a frame
    /// (at 20 frames a second, a client that never reads fills its socket buffers in about two seconds), so the
    /// measured section sees stalled clients, not clients still absorbing frames into empty buffers. Bounded: after
    /// 20 s it goes on and <see cref="StuckAtStart"/> says how many were stuck.
    /// </summary>
    private async Task SettleAsync(int stalled)
    {
        var waited = Stopwatch.StartNew();
        Dictionary<long, (long Sent, TimeSpan Since)> last = [];
        while (waited.Elapsed < TimeSpan.FromSeconds(20))
        {
            await PublishRoundAsync(1000);
            await Task.Delay(10);
            int stuck = 0;
            foreach (WebSocketClientInfo client in _server.Hub.GetClients())
            {
                if (!last.TryGetValue(client.Id, out var seen) || seen.Sent != client.Sent || client.Pending == 0)
                {
                    last[client.Id] = (client.Sent, waited.Elapsed);
                }
                else if (waited.Elapsed - seen.Since >= StuckAfter)
                {
                    stuck++;
                }
            }

            StuckAtStart = stuck;
            if (stuck >= stalled)
            {
                return;
            }
        }
    }

    private async Task ConnectAsync(int clients, int stalled)
    {
        Collect();
        long heap = GC.GetTotalMemory(forceFullCollection: true);
        long rss = new ProcessSampler().ResidentBytes();
        var uri = new Uri($"ws://127.0.0.1:{_server.LocalEndPoint.Port}/ws" + (_binary ? "?format=binary" : ""));
        _clients.AddRange(await LoopbackSockets.ConnectSubscribedAsync(uri, clients));
        foreach (ClientWebSocket client in _clients.Skip(stalled))
        {
            _readers.Add(Task.Run(() => ReadAsync(client)));
        }

        Collect();
        MemoryPerClient = ((GC.GetTotalMemory(forceFullCollection: true) - heap) / (double)clients, (new ProcessSampler().ResidentBytes() - rss) / (double)clients);
    }

    private async Task ReadAsync(ClientWebSocket client)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                int length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await client.ReceiveAsync(buffer.AsMemory(length), _stop.Token);
                    length += result.Count;
                }
                while (!result.EndOfMessage && length < buffer.Length);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                long now = Stopwatch.GetTimestamp();
                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    OnBinary(buffer.AsSpan(0, length), now);
                }
                else
                {
                    OnJson(buffer.AsSpan(0, length), now);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
        }
    }

    private void OnJson(ReadOnlySpan<byte> frame, long now)
    {
        // A client's cheapest honest read of an updates frame: every "time": value (hello and acks have none).
        int at;
        while ((at = frame.IndexOf(s_time)) >= 0)
        {
            frame = frame[(at + s_time.Length)..];
            long time = 0;
            int i = 0;
            while (i < frame.Length && (uint)(frame[i] - '0') <= 9)
            {
                time = (time * 10) + (frame[i++] - '0');
            }

            Latency.OnReceived(time, now);
        }
    }

    private void OnBinary(ReadOnlySpan<byte> frame, long now)
    {
        int count = BinaryPrimitives.ReadUInt16LittleEndian(frame[2..]);
        int at = 4;
        for (int i = 0; i < count; i++)
        {
            int fields = frame[at + 1];
            Latency.OnReceived(BinaryPrimitives.ReadInt64LittleEndian(frame[(at + 10)..]), now);
            at += 18 + (8 * fields);
        }
    }

    private static void Collect()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _publisher.Dispose();
        await _server.DisposeAsync();
        if (_child is not null)
        {
            await _child.DisposeAsync();
        }

        foreach (ClientWebSocket client in _clients)
        {
            client.Abort();
            client.Dispose();
        }

        await Task.WhenAll(_readers);
        _stop.Dispose();
    }
}

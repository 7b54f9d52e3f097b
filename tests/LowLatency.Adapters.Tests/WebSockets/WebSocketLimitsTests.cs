using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using LowLatency.Adapters.WebSockets;
using NUnit.Framework;

namespace LowLatency.Adapters.Tests.WebSockets;

[TestFixture]
public sealed class WebSocketLimitsTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [TestCase("", TestName = "Token_Missing_ClosedWith1008")]
    [TestCase("?token=wrong", TestName = "Token_Wrong_ClosedWith1008")]
    public async Task Token_MissingOrWrong_ClosedWithPolicyViolation(string query)
    {
        await using LiveTestServer server = await LiveTestServer.StartAsync(WebSocketHubOptions.Default with { Token = "s3cret" });
        using ClientWebSocket client = await server.ConnectAsync(query);

        (WebSocketCloseStatus? status, string? reason) = await client.ReceiveCloseAsync(Timeout);

        Assert.That(status, Is.EqualTo(WebSocketCloseStatus.PolicyViolation));
        Assert.That(reason, Is.EqualTo("token missing or wrong"));
        Assert.That(server.Hub.GetClosed(CloseReason.BadToken), Is.EqualTo(1));
        Assert.That(server.Hub.ConnectionCount, Is.Zero);
    }

    [Test]
    public async Task Token_RightInQueryOrBearerHeader_Accepted()
    {
        await using LiveTestServer server = await LiveTestServer.StartAsync(WebSocketHubOptions.Default with { Token = "s3cret" });
        using ClientWebSocket byQuery = await server.ConnectAsync("?token=s3cret");
        using ClientWebSocket byHeader = await server.ConnectAsync(configure: o => o.SetRequestHeader("Authorization", "Bearer s3cret"));

        Assert.That((await byQuery.ReceiveJsonAsync(Timeout)).GetProperty("type").GetString(), Is.EqualTo("hello"));
        Assert.That((await byHeader.ReceiveJsonAsync(Timeout)).GetProperty("type").GetString(), Is.EqualTo("hello"));
        Assert.That(server.Hub.GetClosed(CloseReason.BadToken), Is.Zero);
    }

    [Test]
    public async Task Origin_NotAllowed_ClosedWith1008_SameOriginAndListedAccepted()
    {
        await using LiveTestServer server = await LiveTestServer.StartAsync(WebSocketHubOptions.Default with { AllowedOrigins = ["https://desk.example"] });
        using ClientWebSocket evil = await server.ConnectAsync(configure: o => o.SetRequestHeader("Origin", "https://evil.example"));
        using ClientWebSocket listed = await server.ConnectAsync(configure: o => o.SetRequestHeader("Origin", "https://desk.example"));
        using ClientWebSocket same = await server.ConnectAsync(configure: o => o.SetRequestHeader("Origin", $"http://127.0.0.1:{server.EndPoint.Port}"));

        (WebSocketCloseStatus? status, string? reason) = await evil.ReceiveCloseAsync(Timeout);

        Assert.That(status, Is.EqualTo(WebSocketCloseStatus.PolicyViolation));
        Assert.That(reason, Is.EqualTo("origin not allowed"));
        Assert.That((await listed.ReceiveJsonAsync(Timeout)).GetProperty("type").GetString(), Is.EqualTo("hello"));
        Assert.That((await same.ReceiveJsonAsync(Timeout)).GetProperty("type").GetString(), Is.EqualTo("hello"));
        Assert.That(server.Hub.GetClosed(CloseReason.BadOrigin), Is.EqualTo(1));
    }

    [Test]
    public async Task ConnectionCap_Reached_NextClosedWith1013()
    {
        await using LiveTestServer server = await LiveTestServer.StartAsync(WebSocketHubOptions.Default with { MaxConnections = 2 });
        using ClientWebSocket first = await server.ConnectAsync();
        using ClientWebSocket second = await server.ConnectAsync();
        (WebSocketCloseStatus? status, string? reason) = await ThirdAfterAsync(server, first, second);

        Assert.That((int?)status, Is.EqualTo(1013));
        Assert.That(reason, Does.Contain("connection cap (2)"));
        Assert.That(server.Hub.GetClosed(CloseReason.TooManyConnections), Is.EqualTo(1));
        Assert.That(server.Hub.ConnectionCount, Is.EqualTo(2));
    }

    [Test]
    public async Task MemoryCap_Reached_NextClosedWith1013_AndTheBuffersStayUnderIt()
    {
        // The cap fits the shared table and log and exactly two connections (sizes read from a hub like the server's).
        long shared, perConnection;
        await using (LiveTestServer probe = await LiveTestServer.StartAsync())
        {
            shared = probe.Hub.SharedBufferBytes;
            perConnection = probe.Hub.BufferBytesPerConnection;
        }

        long cap = shared + (2 * perConnection) + (perConnection / 2);
        await using LiveTestServer server = await LiveTestServer.StartAsync(WebSocketHubOptions.Default with { MaxBufferBytes = cap });
        using ClientWebSocket first = await server.ConnectAsync();
        using ClientWebSocket second = await server.ConnectAsync();
        (WebSocketCloseStatus? status, string? reason) = await ThirdAfterAsync(server, first, second);

        Assert.That((int?)status, Is.EqualTo(1013));
        Assert.That(reason, Does.Contain($"memory cap ({cap} bytes)"));
        Assert.That(server.Hub.GetClosed(CloseReason.MemoryCap), Is.EqualTo(1));
        Assert.That(server.Hub.ConnectionCount, Is.EqualTo(2));
        Assert.That(server.Hub.BufferBytes, Is.EqualTo(shared + (2 * perConnection)).And.LessThanOrEqualTo(cap));
    }

    [Test]
    public void MemoryCap_TooSmallForOneConnection_StartFailsNamingTheOption()
    {
        var hub = new WebSocketHub(WebSocketHubOptions.Default with { MaxBufferBytes = 1024 });
        hub.AddTopic("bars", LiveTestServer.BarFields);

        var error = Assert.Throws<ArgumentException>(hub.Start);
        Assert.That(error!.Message, Does.StartWith("MaxBufferBytes (1024 bytes) does not fit"));
    }

    [Test]
    public async Task Format_Unknown_ClosedWith1008()
    {
        await using LiveTestServer server = await LiveTestServer.StartAsync();
        using ClientWebSocket client = await server.ConnectAsync("?format=xml");

        (WebSocketCloseStatus? status, string? reason) = await client.ReceiveCloseAsync(Timeout);

        Assert.That(status, Is.EqualTo(WebSocketCloseStatus.PolicyViolation));
        Assert.That(reason, Is.EqualTo("format must be json or binary"));
        Assert.That(server.Hub.GetClosed(CloseReason.BadFormat), Is.EqualTo(1));
    }

    [Test]
    public async Task Message_LargerThanLimit_ClosedWith1009()
    {
        await using LiveTestServer server = await LiveTestServer.StartAsync(WebSocketHubOptions.Default with { MaxMessageBytes = 1024 });
        using ClientWebSocket client = await server.ConnectAsync();
        await client.ReceiveJsonAsync(Timeout);

        await client.SendTextAsync("{\"op\":\"subscribe\",\"topic\":\"" + new string('x', 2000) + "\"}");
        (WebSocketCloseStatus? status, string? reason) = await client.ReceiveCloseAsync(Timeout);

        Assert.That(status, Is.EqualTo(WebSocketCloseStatus.MessageTooBig));
        Assert.That(reason, Is.EqualTo("message exceeds 1024 bytes"));

        // Counted when the connection has ended, which may be just after the client read the close frame it sent.
        await Eventually(() => server.Hub.GetClosed(CloseReason.MessageTooBig) >= 1);
        Assert.That(server.Hub.GetClosed(CloseReason.MessageTooBig), Is.EqualTo(1));
    }

    [TestCase("not json at all", "not valid JSON")]
    [TestCase("""{"op":"subscribe","topic":"nope"}""", "unknown topic 'nope'")]
    [TestCase("""{"op":"dance","topic":"bars"}""", "unknown op 'dance'")]
    [TestCase("""{"op":"subscribe","topic":"bars","keys":["a"]}""", "keys must be an array of integers")]
    [TestCase("[1,2,3]", "a command is a JSON object")]
    public async Task Message_Invalid_ClosedWith1007AndTheReason(string message, string reason)
    {
        await using LiveTestServer server = await LiveTestServer.StartAsync();
        using ClientWebSocket client = await server.ConnectAsync();
        await client.ReceiveJsonAsync(Timeout);

        await client.SendTextAsync(message);
        (WebSocketCloseStatus? status, string? text) = await client.ReceiveCloseAsync(Timeout);

        Assert.That(status, Is.EqualTo(WebSocketCloseStatus.InvalidPayloadData));
        Assert.That(text, Is.EqualTo(reason));

        // Counted when the connection has ended, which may be just after the client read the close frame it sent.
        await Eventually(() => server.Hub.GetClosed(CloseReason.InvalidMessage) >= 1);
        Assert.That(server.Hub.GetClosed(CloseReason.InvalidMessage), Is.EqualTo(1));
    }

    [Test]
    public async Task Message_Binary_ClosedWith1007()
    {
        await using LiveTestServer server = await LiveTestServer.StartAsync();
        using ClientWebSocket client = await server.ConnectAsync();
        await client.ReceiveJsonAsync(Timeout);

        await client.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, true, CancellationToken.None);
        (WebSocketCloseStatus? status, string? text) = await client.ReceiveCloseAsync(Timeout);

        Assert.That(status, Is.EqualTo(WebSocketCloseStatus.InvalidPayloadData));
        Assert.That(text, Does.StartWith("binary messages are not accepted"));
    }

    [Test]
    public async Task GarbageFrames_AfterUpgrade_ConnectionClosedAndCounted()
    {
        await using LiveTestServer server = await LiveTestServer.StartAsync();
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.EndPoint);
        NetworkStream stream = tcp.GetStream();
        string upgrade = $"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{server.EndPoint.Port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(upgrade));
        string response = await ReadHeadAsync(stream);
        Assert.That(response, Does.StartWith("HTTP/1.1 101"));

        // A masked, empty frame with the reserved opcode 3: not WebSocket.
        await stream.WriteAsync(new byte[] { 0x83, 0x80, 0x01, 0x02, 0x03, 0x04 });
        // The server ends the connection (a reset, or a close frame then FIN), bounded.
        using var timeout = new CancellationTokenSource(Timeout);
        var buffer = new byte[4096];
        try
        {
            while (await stream.ReadAsync(buffer, timeout.Token) > 0)
            {
            }
        }
        catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionReset })
        {
        }

        await Eventually(() => server.Hub.GetClosed(CloseReason.ProtocolError) == 1);
        Assert.That(server.Hub.ConnectionCount, Is.Zero);
    }

    [Test]
    public async Task Handshake_TooSlow_DroppedAndCounted()
    {
        await using LiveTestServer server = await LiveTestServer.StartAsync(serverOptions: WebSocketServerOptions.Default with { HandshakeTimeout = TimeSpan.FromSeconds(1) });
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.EndPoint);
        NetworkStream stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\n")); // never finished

        using var timeout = new CancellationTokenSource(Timeout);
        var buffer = new byte[4096];
        int read;
        var response = new StringBuilder();
        while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
        {
            response.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        // Kestrel answers 408 and closes (or just closes): either way the connection is gone, bounded by the timeout.
        Assert.That(response.ToString(), Is.Empty.Or.StartWith("HTTP/1.1 408"));
        await Eventually(() => server.Hub.GetClosed(CloseReason.HandshakeTimeout) == 1);
    }

    private static async Task<string> ReadHeadAsync(NetworkStream stream)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(one, timeout.Token) == 0)
            {
                break;
            }

            head.Append((char)one[0]);
        }

        return head.ToString();
    }

    /// <summary>Waits for the hellos of two open connections, then opens a third; returns how the third was closed.</summary>
    private static async Task<(WebSocketCloseStatus? Status, string? Reason)> ThirdAfterAsync(LiveTestServer server, ClientWebSocket first, ClientWebSocket second)
    {
        await first.ReceiveJsonAsync(Timeout);
        await second.ReceiveJsonAsync(Timeout);
        using ClientWebSocket third = await server.ConnectAsync();
        return await third.ReceiveCloseAsync(Timeout);
    }

    internal static async Task Eventually(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}

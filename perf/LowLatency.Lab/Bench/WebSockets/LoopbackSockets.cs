using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;

namespace LowLatency.Lab.Bench.WebSockets;

/// <summary>
/// Client sockets with a fixed receive buffer: on loopback Linux grows it to megabytes, which would hold seconds of
/// frames the in-process clients have not read yet and measure the kernel's queue instead of the transport's.
/// Both transports' clients get the same.
/// </summary>
internal static class LoopbackSockets
{
    public const int ReceiveBufferBytes = 64 * 1024;

    public static SocketsHttpHandler Handler() => new()
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = ReceiveBufferBytes };
            try
            {
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    /// <summary>Connects <paramref name="count"/> clients to <paramref name="uri"/>, 50 at a time, each subscribed to every key of <c>bars</c>.</summary>
    public static async Task<List<ClientWebSocket>> ConnectSubscribedAsync(Uri uri, int count)
    {
        byte[] subscribe = Encoding.UTF8.GetBytes("""{"op":"subscribe","topic":"bars"}""");
        using var invoker = new HttpMessageInvoker(Handler());
        var clients = new List<ClientWebSocket>(count);
        for (int i = 0; i < count; i += 50)
        {
            clients.AddRange(await Task.WhenAll(Enumerable.Range(0, Math.Min(50, count - i)).Select(async _ =>
            {
                var client = new ClientWebSocket();
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await client.ConnectAsync(uri, invoker, timeout.Token);
                await client.SendAsync(subscribe, WebSocketMessageType.Text, true, timeout.Token);
                return client;
            })));
        }

        return clients;
    }
}

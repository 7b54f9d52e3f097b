using System.Net.Sockets;

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
}

using System.Net;
using System.Net.Sockets;

namespace LowLatency.Adapters.Sockets;

/// <summary>The listening half shared by <see cref="TcpSource{T, TCodec}"/> and <see cref="TcpSink{T, TCodec}"/>.</summary>
internal static class ListenerSocket
{
    /// <summary>A socket bound to <paramref name="endpoint"/> and listening; disposed if either step fails.</summary>
    public static Socket Open(IPEndPoint endpoint, int backlog)
    {
        var listener = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(endpoint);
            listener.Listen(backlog);
            return listener;
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Accepts until <paramref name="token"/> is cancelled and hands each socket (Nagle off) to
    /// <paramref name="accepted"/>. A failed accept while still running (a peer that reset before we took
    /// it) is skipped: one bad peer never stops the listener.
    /// </summary>
    public static async Task AcceptLoopAsync(Socket listener, Action<Socket> accepted, CancellationToken token)
    {
        while (!token.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (token.IsCancellationRequested)
                {
                    return;
                }

                continue;
            }

            socket.NoDelay = true;
            accepted(socket);
        }
    }
}

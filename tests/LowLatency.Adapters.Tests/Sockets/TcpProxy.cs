using System.Net;
using System.Net.Sockets;

namespace LowLatency.Adapters.Tests.Sockets;

/// <summary>A loopback TCP relay whose connections a test can kill mid-stream (both directions, abruptly).</summary>
public sealed class TcpProxy : IDisposable
{
    private readonly Socket _listener = new(SocketType.Stream, ProtocolType.Tcp);
    private readonly IPEndPoint _upstream;
    private readonly Lock _lock = new();
    private readonly List<Socket> _sockets = [];
    private readonly CancellationTokenSource _stop = new();

    public TcpProxy(IPEndPoint upstream)
    {
        _upstream = upstream;
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(16);
        Endpoint = (IPEndPoint)_listener.LocalEndPoint!;
        _ = AcceptLoop();
    }

    public IPEndPoint Endpoint { get; }

    public int Kills { get; private set; }

    /// <summary>Resets every relayed connection: bytes in flight in the relay are lost, as on a real network failure.</summary>
    public void KillAll()
    {
        lock (_lock)
        {
            foreach (Socket socket in _sockets)
            {
                socket.LingerState = new LingerOption(true, 0);
                socket.Dispose();
            }

            _sockets.Clear();
            Kills++;
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();
        KillAll();
    }

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }

            var server = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            client.NoDelay = true;
            try
            {
                await server.ConnectAsync(_upstream);
            }
            catch (SocketException)
            {
                client.Dispose();
                server.Dispose();
                continue;
            }

            lock (_lock)
            {
                _sockets.Add(client);
                _sockets.Add(server);
            }

            _ = Pump(client, server);
            _ = Pump(server, client);
        }
    }

    private static async Task Pump(Socket from, Socket to)
    {
        byte[] buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                int n = await from.ReceiveAsync(buffer, SocketFlags.None);
                if (n == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                int sent = 0;
                while (sent < n)
                {
                    sent += await to.SendAsync(buffer.AsMemory(sent, n - sent), SocketFlags.None);
                }
            }
        }
        catch (Exception)
        {
            // Killed.
        }
    }
}

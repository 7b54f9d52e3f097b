using System.Net.Sockets;

namespace LowLatency.Adapters.Sockets;

/// <summary>One connection of a publisher: its stream, its ack-receiving task, and whether it broke.</summary>
internal sealed class PublisherConnection(Socket socket, Stream stream)
{
    // Set by the receive task or the sender when the connection fails; read by the sender.
    private volatile bool _broken;

    public Socket Socket { get; } = socket;

    public Stream Stream { get; } = stream;

    public Task Receiving { get; set; } = Task.CompletedTask;

    public bool Broken => _broken;

    public void MarkBroken() => _broken = true;

    public void Dispose()
    {
        _broken = true;
        try
        {
            Socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already closed.
        }

        Stream.Dispose();
        Socket.Dispose();
    }
}

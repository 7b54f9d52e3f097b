namespace LowLatency.Adapters.Sockets;

/// <summary>What a client opens a session for (Hello payload bytes 16–17).</summary>
public enum SessionRole : ushort
{
    /// <summary>The client sends batches to a <c>TcpSource</c> and receives acks.</summary>
    Publisher = 1,

    /// <summary>The client receives batches from a <c>TcpSink</c>.</summary>
    Subscriber = 2,
}

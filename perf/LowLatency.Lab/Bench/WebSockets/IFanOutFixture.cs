namespace LowLatency.Lab.Bench.WebSockets;

/// <summary>A server with connected loopback clients, kept across a scenario's iterations (connecting a thousand clients is not what is measured).</summary>
internal interface IFanOutFixture : IAsyncDisposable
{
    /// <summary>Updates received by every client together.</summary>
    long Delivered { get; }

    /// <summary>Emission-to-receive latency of every received update, ns.</summary>
    FanOutLatency Latency { get; }

    /// <summary>Managed heap and RSS growth per client, measured once when the clients connected (server and clients share the process).</summary>
    (double HeapBytes, double RssBytes) MemoryPerClient { get; }

    /// <summary>Publishes one update per key, stamped with the emission time (Stopwatch ticks); waits only as the transport makes it wait.</summary>
    ValueTask PublishRoundAsync(int keys);

    /// <summary>Updates the transport replaced or dropped instead of sending (0 where it never does).</summary>
    long Conflated { get; }
}

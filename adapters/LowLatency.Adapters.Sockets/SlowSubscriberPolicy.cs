namespace LowLatency.Adapters.Sockets;

/// <summary>What a <see cref="TcpSink{T, TCodec}"/> does when a subscriber's buffer cannot take the next batch.</summary>
public enum SlowSubscriberPolicy
{
    /// <summary>Close the subscriber with <see cref="DisconnectReason.SlowSubscriber"/> (default): the pipeline never waits.</summary>
    Disconnect = 0,

    /// <summary>Skip the batch for that subscriber and count its events as dropped; the subscriber sees the gap in sequence numbers.</summary>
    Drop = 1,

    /// <summary>Wait until the subscriber's buffer has room: the pipeline stage (and so the ring) is back-pressured by the slowest subscriber.</summary>
    Backpressure = 2,
}

namespace LowLatency.Adapters.WebSockets;

/// <summary>What a client that connects and never subscribes receives of a topic.</summary>
public enum DefaultFeed
{
    /// <summary>Nothing: the client must subscribe.</summary>
    None,

    /// <summary>Every key (small topics: pipeline metrics).</summary>
    AllKeys,

    /// <summary>The most updated keys over the last second (<see cref="LiveTopic.BusiestKeys"/> of them).</summary>
    BusiestKeys,
}

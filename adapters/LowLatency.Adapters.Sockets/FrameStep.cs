namespace LowLatency.Adapters.Sockets;

/// <summary>What the synchronous frame decoder asks its receive loop to do next.</summary>
internal enum FrameStep
{
    /// <summary>The buffer holds no complete frame: read more.</summary>
    NeedMore,

    /// <summary>A frame was handled and consumed: look at the next one.</summary>
    Continue,

    /// <summary>The ring refused a claim mid-frame: wait for capacity, then step again (progress is kept).</summary>
    BackPressured,

    /// <summary>A hello was parsed and consumed: run the handshake.</summary>
    Hello,

    /// <summary>The peer sent a close frame.</summary>
    PeerClosed,

    /// <summary>The ring is closed: the host is stopping.</summary>
    RingClosed,

    /// <summary>Protocol violation; the reason is recorded.</summary>
    Error,
}

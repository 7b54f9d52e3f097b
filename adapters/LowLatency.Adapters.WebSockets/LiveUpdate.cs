using System.Runtime.InteropServices;

namespace LowLatency.Adapters.WebSockets;

/// <summary>
/// One value for clients: the newest value of (<see cref="Topic"/>, <see cref="Key"/>) replaces an unsent older one.
/// Written in place in the hub's ring slots by <see cref="LivePublisher"/>; never allocated per event.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct LiveUpdate
{
    /// <summary>The topic's index (<see cref="LiveTopic.Id"/>).</summary>
    public int Topic;

    /// <summary>The key within the topic (a symbol, a stage); −2^55 ≤ key &lt; 2^55.</summary>
    public long Key;

    /// <summary>The host's timestamp for the value (the demo uses ns since the Unix epoch).</summary>
    public long Time;

    /// <summary>The topic's fields, in declaration order.</summary>
    public LiveValues Values;

    /// <summary>The conflation key: topic in the low 8 bits, key above, so one table holds every topic.</summary>
    internal readonly long ConflationKey => (Key << 8) | (uint)Topic;
}

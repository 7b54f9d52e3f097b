namespace LowLatency.Adapters.Tests.Sockets;

/// <summary>The 8-byte event of the README's test vectors.</summary>
public struct LongEvent
{
    public long Value;
}

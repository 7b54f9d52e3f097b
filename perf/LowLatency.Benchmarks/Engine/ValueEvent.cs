namespace LowLatency.Benchmarks.Engine;

/// <summary>8-byte struct event.</summary>
public struct ValueEvent
{
    public long Value;
}

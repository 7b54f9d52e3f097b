namespace LowLatency.Hosting.Tests;

/// <summary>A test event.</summary>
public struct Tick
{
    public long Value;
}

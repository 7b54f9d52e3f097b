namespace LowLatency.Engine.Windowing;

/// <summary>Counts events.</summary>
public struct CountAccumulator
{
    /// <summary>Events added.</summary>
    public long Count;

    /// <summary>Adds one event.</summary>
    public void Add() => Count++;

    /// <summary>Adds another count.</summary>
    public void Merge(in CountAccumulator other) => Count += other.Count;
}

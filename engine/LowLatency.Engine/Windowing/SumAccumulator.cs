namespace LowLatency.Engine.Windowing;

/// <summary>Sums values.</summary>
public struct SumAccumulator
{
    /// <summary>The sum.</summary>
    public double Sum;

    /// <summary>Adds a value.</summary>
    public void Add(double value) => Sum += value;

    /// <summary>Adds another sum.</summary>
    public void Merge(in SumAccumulator other) => Sum += other.Sum;
}

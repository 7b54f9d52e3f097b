namespace LowLatency.Engine.Windowing;

/// <summary>The arithmetic mean.</summary>
public struct MeanAccumulator
{
    /// <summary>Sum of the values.</summary>
    public double Sum;

    /// <summary>Number of values.</summary>
    public long Count;

    /// <summary>The mean (NaN when empty).</summary>
    public readonly double Mean => Count == 0 ? double.NaN : Sum / Count;

    /// <summary>Adds a value.</summary>
    public void Add(double value)
    {
        Sum += value;
        Count++;
    }

    /// <summary>Adds another mean's values.</summary>
    public void Merge(in MeanAccumulator other)
    {
        Sum += other.Sum;
        Count += other.Count;
    }
}

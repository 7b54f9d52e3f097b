namespace LowLatency.Engine.Windowing;

/// <summary>The largest value (empty until the first value).</summary>
public struct MaxAccumulator
{
    /// <summary>The largest value; meaningless while <see cref="HasValue"/> is false.</summary>
    public double Max;

    /// <summary>True once a value was added.</summary>
    public bool HasValue;

    /// <summary>Adds a value.</summary>
    public void Add(double value)
    {
        if (!HasValue || value > Max)
        {
            Max = value;
            HasValue = true;
        }
    }

    /// <summary>Adds another maximum.</summary>
    public void Merge(in MaxAccumulator other)
    {
        if (other.HasValue)
        {
            Add(other.Max);
        }
    }
}

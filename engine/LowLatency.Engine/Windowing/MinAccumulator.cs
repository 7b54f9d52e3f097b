namespace LowLatency.Engine.Windowing;

/// <summary>The smallest value (empty until the first value).</summary>
public struct MinAccumulator
{
    /// <summary>The smallest value; meaningless while <see cref="HasValue"/> is false.</summary>
    public double Min;

    /// <summary>True once a value was added.</summary>
    public bool HasValue;

    /// <summary>Adds a value.</summary>
    public void Add(double value)
    {
        if (!HasValue || value < Min)
        {
            Min = value;
            HasValue = true;
        }
    }

    /// <summary>Adds another minimum.</summary>
    public void Merge(in MinAccumulator other)
    {
        if (other.HasValue)
        {
            Add(other.Min);
        }
    }
}

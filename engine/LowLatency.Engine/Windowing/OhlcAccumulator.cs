namespace LowLatency.Engine.Windowing;

/// <summary>
/// Open, high, low, close by event time: open is the price of the earliest event, close of the latest
/// (ties: first added wins for open, last added for close), so out-of-order events and pane merges agree.
/// </summary>
public struct OhlcAccumulator
{
    /// <summary>Price of the earliest event.</summary>
    public double Open;

    /// <summary>Highest price.</summary>
    public double High;

    /// <summary>Lowest price.</summary>
    public double Low;

    /// <summary>Price of the latest event.</summary>
    public double Close;

    /// <summary>Time of the earliest event.</summary>
    public long OpenTime;

    /// <summary>Time of the latest event.</summary>
    public long CloseTime;

    /// <summary>Events added.</summary>
    public long Count;

    /// <summary>Adds a price observed at <paramref name="timestamp"/>.</summary>
    public void Add(long timestamp, double price)
    {
        if (Count == 0)
        {
            Open = High = Low = Close = price;
            OpenTime = CloseTime = timestamp;
            Count = 1;
            return;
        }

        if (price > High)
        {
            High = price;
        }

        if (price < Low)
        {
            Low = price;
        }

        if (timestamp < OpenTime)
        {
            OpenTime = timestamp;
            Open = price;
        }

        if (timestamp >= CloseTime)
        {
            CloseTime = timestamp;
            Close = price;
        }

        Count++;
    }

    /// <summary>Adds another bar (of the same key, any time order).</summary>
    public void Merge(in OhlcAccumulator other)
    {
        if (other.Count == 0)
        {
            return;
        }

        if (Count == 0)
        {
            this = other;
            return;
        }

        if (other.High > High)
        {
            High = other.High;
        }

        if (other.Low < Low)
        {
            Low = other.Low;
        }

        if (other.OpenTime < OpenTime)
        {
            OpenTime = other.OpenTime;
            Open = other.Open;
        }

        if (other.CloseTime >= CloseTime)
        {
            CloseTime = other.CloseTime;
            Close = other.Close;
        }

        Count += other.Count;
    }
}

namespace LowLatency.Engine.Windowing;

/// <summary>Volume-weighted average price: Σ price·quantity / Σ quantity.</summary>
public struct VwapAccumulator
{
    /// <summary>Σ price · quantity.</summary>
    public double Notional;

    /// <summary>Σ quantity.</summary>
    public double Volume;

    /// <summary>Trades added.</summary>
    public long Trades;

    /// <summary>The VWAP (NaN when the volume is zero).</summary>
    public readonly double Vwap => Volume == 0 ? double.NaN : Notional / Volume;

    /// <summary>Adds a trade.</summary>
    public void Add(double price, double quantity)
    {
        Notional += price * quantity;
        Volume += quantity;
        Trades++;
    }

    /// <summary>Adds another VWAP's trades.</summary>
    public void Merge(in VwapAccumulator other)
    {
        Notional += other.Notional;
        Volume += other.Volume;
        Trades += other.Trades;
    }
}

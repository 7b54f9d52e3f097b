namespace LowLatency.Lab.Feed;

/// <summary>What the risk check decided about a tick.</summary>
internal enum RiskVerdict : byte
{
    /// <summary>Not checked (rejected by validation).</summary>
    None = 0,

    /// <summary>Within limits.</summary>
    Pass = 1,

    /// <summary>Price outside the band around the symbol's last VWAP.</summary>
    PriceBand = 2,

    /// <summary>Notional above the per-order limit.</summary>
    Notional = 3,
}

namespace LowLatency.Lab.Feed;

/// <summary>What validation decided about a tick.</summary>
internal enum TickStatus : byte
{
    /// <summary>Not validated yet.</summary>
    Unchecked = 0,

    /// <summary>Well-formed: enriched and aggregated.</summary>
    Valid = 1,

    /// <summary>Malformed (non-positive price or size): flows on to the sink, skipped by windows and risk.</summary>
    Rejected = 2,
}

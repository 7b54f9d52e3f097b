namespace LowLatency.Lab.Feed;

/// <summary>Where a run's ticks come from, as the verifier and the report need to know it.</summary>
internal interface ITickSource
{
    /// <summary>Ticks published into the ring so far.</summary>
    long Published { get; }

    /// <summary>Ticks offered and not accepted (lossy feeds only).</summary>
    long Dropped { get; }

    /// <summary>Ticks offered: published + dropped.</summary>
    long Offered { get; }

    /// <summary>Per-symbol count of published ticks: what the verifier must have seen. Read once publishing stopped.</summary>
    ReadOnlySpan<long> PublishedPerSymbol { get; }
}

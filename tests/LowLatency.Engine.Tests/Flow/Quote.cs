namespace LowLatency.Engine.Tests.Flow;

/// <summary>A keyed event: an instrument, its per-key sequence, and the global offer number.</summary>
internal struct Quote
{
    public long Key;
    public long KeySequence;
    public long Offer;

    public static long KeyOf(in Quote quote) => quote.Key;
}

namespace LowLatency.Lab.Feed;

/// <summary>
/// The per-symbol sequences and counts of ticks that arrived over TCP (<c>demo --listen</c>). Written by
/// <see cref="WireTickCodec"/> as the TCP source decodes into claimed ring slots: the source serialises
/// claim-decode-publish on a single-producer ring, so sequences follow ring order. Read by the monitor
/// (Published) and, after the source stopped, by the verifier.
/// </summary>
internal sealed class IngressLedger(int symbols) : ITickSource
{
    private readonly long[] _perSymbol = new long[symbols];

    // Written by the decoding connection under the source's producer lock; read by the monitor.
    private long _published;

    public int Symbols => _perSymbol.Length;

    public long Published => Volatile.Read(ref _published);

    public long Dropped => 0;

    public long Offered => Published;

    public ReadOnlySpan<long> PublishedPerSymbol => _perSymbol;

    /// <summary>The next sequence of <paramref name="symbol"/>. Decoding thread only.</summary>
    public long NextSequence(int symbol)
    {
        Volatile.Write(ref _published, _published + 1);
        return _perSymbol[symbol]++;
    }
}

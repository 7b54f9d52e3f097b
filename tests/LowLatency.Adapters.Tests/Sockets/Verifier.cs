namespace LowLatency.Adapters.Tests.Sockets;

/// <summary>Counts lost, duplicated, reordered and corrupt events per key (RELIABILITY.md). One thread feeds it.</summary>
public sealed class Verifier(int keys)
{
    private readonly long[] _next = new long[keys];
    private readonly HashSet<(int Key, long Sequence)> _seen = [];

    public long Seen { get; private set; }

    public long Duplicated { get; private set; }

    public long Reordered { get; private set; }

    public long Corrupt { get; private set; }

    public void Observe(in VerifiedTick tick)
    {
        Seen++;
        if (!tick.IsIntact)
        {
            Corrupt++;
            return;
        }

        if (!_seen.Add((tick.Key, tick.KeySequence)))
        {
            Duplicated++;
            return;
        }

        if (tick.KeySequence < _next[tick.Key])
        {
            Reordered++;
        }

        _next[tick.Key] = Math.Max(_next[tick.Key], tick.KeySequence + 1);
    }

    public long Lost(long expectedPerKey)
    {
        long lost = 0;
        for (int k = 0; k < _next.Length; k++)
        {
            for (long s = 0; s < expectedPerKey; s++)
            {
                if (!_seen.Contains((k, s)))
                {
                    lost++;
                }
            }
        }

        return lost;
    }
}

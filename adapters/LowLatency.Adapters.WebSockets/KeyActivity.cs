namespace LowLatency.Adapters.WebSockets;

/// <summary>
/// Update counts per key of one topic over the current period, for <see cref="DefaultFeed.BusiestKeys"/>. Fan-out
/// thread only. Pre-sized: a key beyond the capacity is not counted (it cannot become one of the busiest this period).
/// </summary>
internal sealed class KeyActivity(int busiest, int capacity = 1 << 16)
{
    private readonly Dictionary<long, long> _counts = new(capacity);
    private readonly int _capacity = capacity;

    public void Count(long key)
    {
        if (_counts.Count < _capacity || _counts.ContainsKey(key))
        {
            System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_counts, key, out _)++;
        }
    }

    /// <summary>The most counted keys of the period, most first (ties: lower key first); then a new period starts.</summary>
    public long[] TakeBusiest()
    {
        int n = Math.Min(busiest, _counts.Count);
        var keys = new long[n];
        var counts = new long[n];
        int filled = 0;
        foreach ((long key, long count) in _counts)
        {
            // Insertion into a short sorted list: n is a handful.
            int at = filled;
            while (at > 0 && (counts[at - 1] < count || (counts[at - 1] == count && keys[at - 1] > key)))
            {
                at--;
            }

            if (at >= n)
            {
                continue;
            }

            int last = Math.Min(filled, n - 1);
            Array.Copy(keys, at, keys, at + 1, last - at);
            Array.Copy(counts, at, counts, at + 1, last - at);
            keys[at] = key;
            counts[at] = count;
            filled = Math.Min(filled + 1, n);
        }

        _counts.Clear();
        return keys;
    }
}

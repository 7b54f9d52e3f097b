namespace LowLatency.Adapters.WebSockets;

/// <summary>
/// Activity per key of one topic over the current period, for <see cref="DefaultFeed.BusiestKeys"/>: the sum of one
/// field of its updates (<see cref="LiveTopic.BusiestBy"/>), or the number of updates. Fan-out thread only. Pre-sized:
/// a key beyond the capacity is not counted (it cannot become one of the busiest this period).
/// </summary>
internal sealed class KeyActivity(int busiest, int field, int capacity = 1 << 16)
{
    private readonly Dictionary<long, double> _counts = new(capacity);
    private readonly int _capacity = capacity;

    public void Count(in LiveUpdate update)
    {
        if (_counts.Count < _capacity || _counts.ContainsKey(update.Key))
        {
            double weight = field < 0 ? 1 : update.Values[field];
            System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_counts, update.Key, out _) += double.IsFinite(weight) ? weight : 0;
        }
    }

    /// <summary>The most counted keys of the period, most first (ties: lower key first); then a new period starts.</summary>
    public long[] TakeBusiest()
    {
        int n = Math.Min(busiest, _counts.Count);
        var keys = new long[n];
        var counts = new double[n];
        int filled = 0;
        foreach ((long key, double count) in _counts)
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

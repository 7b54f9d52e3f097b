namespace LowLatency.Testing.Kafka;

/// <summary>
/// Reads a bars topic to its end and checks it against the ticks fed (per key, sequences 1..n):
/// lost = ticks no bar covers; duplicates = ticks counted more than once; inconsistent = bars whose count
/// disagrees with their sequence range (a tick skipped or reordered inside a window).
/// </summary>
public sealed record BarVerifier(long Expected, long Lost, long Duplicates, long Inconsistent, long Bars)
{
    public override string ToString() => $"expected={Expected} lost={Lost} duplicates={Duplicates} inconsistent={Inconsistent} bars={Bars}";

    public static BarVerifier Verify(string bootstrap, string topic, int partitions, int keys, long ticksPerKey, TimeSpan timeout) =>
        Check(ReadAll(bootstrap, topic, partitions, timeout), keys, ticksPerKey);

    /// <summary>Checks <paramref name="bars"/> against the ticks fed.</summary>
    public static BarVerifier Check(IReadOnlyCollection<Bar> bars, int keys, long ticksPerKey)
    {
        var seen = new int[keys][];
        for (int key = 0; key < keys; key++)
        {
            seen[key] = new int[ticksPerKey + 1];
        }

        long inconsistent = 0;
        long counted = 0;
        foreach (Bar bar in bars)
        {
            if (bar.Key < 0 || bar.Key >= keys || bar.FirstSeq < 1 || bar.LastSeq > ticksPerKey || bar.Count != bar.LastSeq - bar.FirstSeq + 1)
            {
                inconsistent++;
                continue;
            }

            for (long seq = bar.FirstSeq; seq <= bar.LastSeq; seq++)
            {
                seen[bar.Key][seq]++;
            }

            counted += bar.Count;
        }

        long distinct = 0;
        foreach (int[] perKey in seen)
        {
            for (long seq = 1; seq <= ticksPerKey; seq++)
            {
                distinct += perKey[seq] > 0 ? 1 : 0;
            }
        }

        long expected = keys * ticksPerKey;
        return new BarVerifier(expected, expected - distinct, counted - distinct, inconsistent, bars.Count);
    }

    public static List<Bar> ReadAll(string bootstrap, string topic, int partitions, TimeSpan timeout)
    {
        var bars = new List<Bar>();
        TopicReader.ReadToEnd(bootstrap, topic, partitions, timeout, result =>
        {
            Bar bar = default;
            if (BarCodec.Instance.TryDecode(result.Message.Value, ref bar))
            {
                bars.Add(bar);
            }
        });
        return bars;
    }
}

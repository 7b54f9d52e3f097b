using LowLatency.Testing.Kafka;

namespace LowLatency.Adapters.Tests.Kafka;

/// <summary>Reads a ticks topic to its end: lost, duplicated and reordered (per key, in partition order) against 1..n per key.</summary>
internal sealed record TickVerifier(long Expected, long Lost, long Duplicates, long Reordered)
{
    public override string ToString() => $"expected={Expected} lost={Lost} duplicates={Duplicates} reordered={Reordered}";

    public static TickVerifier Verify(string bootstrap, string topic, int partitions, int keys, long ticksPerKey, TimeSpan timeout)
    {
        var seen = new int[keys, ticksPerKey + 1];
        var last = new long[keys];
        long reordered = 0;
        long total = 0;
        TopicReader.ReadToEnd(bootstrap, topic, partitions, timeout, result =>
        {
            Tick tick = default;
            if (!TickCodec.Instance.TryDecode(result.Message.Value, ref tick) || tick.Key >= keys || tick.Seq < 1 || tick.Seq > ticksPerKey)
            {
                throw new InvalidOperationException($"garbage record at {result.TopicPartitionOffset}");
            }

            reordered += tick.Seq <= last[tick.Key] && seen[tick.Key, tick.Seq] == 0 ? 1 : 0;
            last[tick.Key] = Math.Max(last[tick.Key], tick.Seq);
            seen[tick.Key, tick.Seq]++;
            total++;
        });

        long distinct = 0;
        for (int key = 0; key < keys; key++)
        {
            for (long seq = 1; seq <= ticksPerKey; seq++)
            {
                distinct += seen[key, seq] > 0 ? 1 : 0;
            }
        }

        long expected = keys * ticksPerKey;
        return new TickVerifier(expected, expected - distinct, total - distinct, reordered);
    }
}

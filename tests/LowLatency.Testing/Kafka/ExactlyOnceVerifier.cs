using Confluent.Kafka;
using LowLatency.Adapters.Kafka;

namespace LowLatency.Testing.Kafka;

/// <summary>
/// Reads an exactly-once job's output as its design says it must be read: the state topic judged by
/// <see cref="KafkaTaskLog"/> decides which epochs are committed; a bar counts iff its tag names one. The
/// windows still open in each task's latest state account for the ticks no bar holds yet, so
/// <see cref="Check"/> says whether every tick fed is in exactly one committed bar or open window.
/// </summary>
/// <param name="Check">Committed bars plus open windows against the ticks fed.</param>
/// <param name="Committed">Committed bars, sorted by key and window.</param>
/// <param name="Open">Windows open in the tasks' latest states.</param>
/// <param name="Ignored">Bar records read but not committed (aborted, open or zombie epochs, which the mock shows).</param>
/// <param name="IgnoredOfFirstOwners">Of <see cref="Ignored"/>, the bars written by a task's first owner (the writer of its generation-1 claim).</param>
/// <param name="VoidStates">State records <see cref="KafkaTaskLog"/> found void.</param>
/// <param name="Claims">Take-overs recorded in the state topic.</param>
/// <param name="Raw">Every bar record plus the open windows, as a reader that trusts the mock's <c>read_committed</c> would count them.</param>
/// <param name="History">For a failure's message: each state partition's records in order (offset, kind, owner, generation, epoch), then the bars read per writer and epoch.</param>
public sealed record ExactlyOnceVerifier(BarVerifier Check, List<Bar> Committed, List<Bar> Open, long Ignored, long IgnoredOfFirstOwners, long VoidStates, long Claims, BarVerifier Raw, string History)
{
    public override string ToString() => $"{Check} committed={Committed.Count} open={Open.Count} ignored={Ignored} (first owners' {IgnoredOfFirstOwners}) voidStates={VoidStates} claims={Claims} (raw read: duplicates={Raw.Duplicates})";

    public static ExactlyOnceVerifier Verify(string bootstrap, string barsTopic, string stateTopic, int partitions, int keys, long ticksPerKey, TimeSpan timeout)
    {
        var logs = new KafkaTaskLog[partitions];
        for (int p = 0; p < partitions; p++)
        {
            logs[p] = new KafkaTaskLog();
        }

        long claims = 0;
        var firstOwners = new HashSet<ulong>();
        var history = new System.Text.StringBuilder();
        TopicReader.ReadToEnd(bootstrap, stateTopic, partitions, timeout, result =>
        {
            KafkaTaskRecord? record = KafkaTaskRecord.TryDecode(result.Message.Value);
            claims += record is { Kind: KafkaTaskRecordKind.Claim } ? 1 : 0;
            if (record is { Kind: KafkaTaskRecordKind.Claim, Generation: 1 })
            {
                firstOwners.Add(record.Token);
            }

            logs[result.Partition.Value].Add(result.Offset.Value, record);
            history.Append(record is null
                ? $"state {result.Partition.Value}@{result.Offset.Value}: malformed\n"
                : $"state {result.Partition.Value}@{result.Offset.Value} {Time(result.Message.Timestamp)}: {record.Kind} {record.Token:x16} gen {record.Generation} epoch {record.Epoch}\n");
        });

        var committed = new List<Bar>();
        var raw = new List<Bar>();
        var barsPerEpoch = new SortedDictionary<(ulong Token, long Epoch), (int Count, Timestamp First)>();
        long ignored = 0;
        long ignoredOfFirstOwners = 0;
        TopicReader.ReadToEnd(bootstrap, barsTopic, partitions, timeout, result =>
        {
            Bar bar = default;
            if (BarCodec.Instance.TryDecode(result.Message.Value, ref bar))
            {
                raw.Add(bar);
            }

            bool tagged = KafkaTransactionTag.TryRead(result.Message.Headers, out ulong token, out long epoch);
            if (tagged)
            {
                barsPerEpoch[(token, epoch)] = barsPerEpoch.TryGetValue((token, epoch), out (int Count, Timestamp First) seen)
                    ? (seen.Count + 1, seen.First)
                    : (1, result.Message.Timestamp);
            }

            if (tagged
                && logs.Any(log => log.IsCommitted(token, epoch))
                && BarCodec.Instance.TryDecode(result.Message.Value, ref bar))
            {
                committed.Add(bar);
            }
            else
            {
                ignored++;
                ignoredOfFirstOwners += tagged && firstOwners.Contains(token) ? 1 : 0;
            }
        });

        var open = new List<Bar>();
        foreach (KafkaTaskLog log in logs)
        {
            if (log.Latest is { } latest)
            {
                open.AddRange(BarWindows.ReadState(latest.State.Span));
            }
        }

        committed.Sort(ByKeyAndWindow);
        open.Sort(ByKeyAndWindow);
        foreach (((ulong token, long epoch), (int count, Timestamp first)) in barsPerEpoch)
        {
            history.Append($"bars {token:x16} epoch {epoch}: {count} from {Time(first)}{(logs.Any(log => log.IsCommitted(token, epoch)) ? "" : " (not committed)")}\n");
        }

        return new ExactlyOnceVerifier(BarVerifier.Check([.. committed, .. open], keys, ticksPerKey), committed, open, ignored, ignoredOfFirstOwners, logs.Sum(l => l.Void), claims, BarVerifier.Check([.. raw, .. open], keys, ticksPerKey), history.ToString());
    }

    private static string Time(Timestamp timestamp) => timestamp.UtcDateTime.ToString("HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture);

    private static int ByKeyAndWindow(Bar a, Bar b) => a.Key != b.Key ? a.Key.CompareTo(b.Key) : a.WindowStart.CompareTo(b.WindowStart);
}

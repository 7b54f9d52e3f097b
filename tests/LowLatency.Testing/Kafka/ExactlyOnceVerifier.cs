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
/// <param name="VoidStates">State records <see cref="KafkaTaskLog"/> found void.</param>
/// <param name="Claims">Take-overs recorded in the state topic.</param>
/// <param name="Raw">Every bar record plus the open windows, as a reader that trusts the mock's <c>read_committed</c> would count them.</param>
public sealed record ExactlyOnceVerifier(BarVerifier Check, List<Bar> Committed, List<Bar> Open, long Ignored, long VoidStates, long Claims, BarVerifier Raw)
{
    public override string ToString() => $"{Check} committed={Committed.Count} open={Open.Count} ignored={Ignored} voidStates={VoidStates} claims={Claims} (raw read: duplicates={Raw.Duplicates})";

    public static ExactlyOnceVerifier Verify(string bootstrap, string barsTopic, string stateTopic, int partitions, int keys, long ticksPerKey, TimeSpan timeout)
    {
        var logs = new KafkaTaskLog[partitions];
        for (int p = 0; p < partitions; p++)
        {
            logs[p] = new KafkaTaskLog();
        }

        long claims = 0;
        TopicReader.ReadToEnd(bootstrap, stateTopic, partitions, timeout, result =>
        {
            KafkaTaskRecord? record = KafkaTaskRecord.TryDecode(result.Message.Value);
            claims += record is { Kind: KafkaTaskRecordKind.Claim } ? 1 : 0;
            logs[result.Partition.Value].Add(result.Offset.Value, record);
        });

        var committed = new List<Bar>();
        var raw = new List<Bar>();
        long ignored = 0;
        TopicReader.ReadToEnd(bootstrap, barsTopic, partitions, timeout, result =>
        {
            Bar bar = default;
            if (BarCodec.Instance.TryDecode(result.Message.Value, ref bar))
            {
                raw.Add(bar);
            }

            if (KafkaTransactionTag.TryRead(result.Message.Headers, out ulong token, out long epoch)
                && logs.Any(log => log.IsCommitted(token, epoch))
                && BarCodec.Instance.TryDecode(result.Message.Value, ref bar))
            {
                committed.Add(bar);
            }
            else
            {
                ignored++;
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
        return new ExactlyOnceVerifier(BarVerifier.Check([.. committed, .. open], keys, ticksPerKey), committed, open, ignored, logs.Sum(l => l.Void), claims, BarVerifier.Check([.. raw, .. open], keys, ticksPerKey));
    }

    private static int ByKeyAndWindow(Bar a, Bar b) => a.Key != b.Key ? a.Key.CompareTo(b.Key) : a.WindowStart.CompareTo(b.WindowStart);
}

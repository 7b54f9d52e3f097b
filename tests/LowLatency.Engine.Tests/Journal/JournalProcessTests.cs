using LowLatency.Engine.Journal;
using LowLatency.Engine.Tests.Lab;
using LowLatency.Lab.Journal;
using NUnit.Framework;

namespace LowLatency.Engine.Tests.Journal;

using ProbeCodec = BlittableCodec<ProbeEvent>;
using ProbeWriter = JournalWriter<ProbeEvent, BlittableCodec<ProbeEvent>>;

/// <summary>Across processes: a writer killed with SIGKILL mid-append, and a tailer in another process.</summary>
[NonParallelizable]
public sealed class JournalProcessTests
{
    private static List<ProbeEvent> ReadProbes(string directory, out JournalDamage? damage)
    {
        var all = new List<ProbeEvent>();
        using JournalReader reader = JournalReader.Open<ProbeEvent, ProbeCodec>(directory, default);
        while (reader.TryRead(out JournalRecord record))
        {
            all.AddRange(record.Events<ProbeEvent>());
        }

        damage = reader.Damage;
        return all;
    }

    [Test]
    [CancelAfter(180_000)]
    public async Task Sigkill_WhileAppending_TenSeededPoints_NothingAcknowledgedLost_JournalGapFree()
    {
        using var temp = new TempJournal();
        long lastAcked = 0;
        long lastJournaled = 0;
        for (int seed = 1; seed <= 10; seed++)
        {
            LabProcess worker = LabProcess.Start(temp.Directory, "journal", "append-worker", temp.Directory, "--batch", (16 + (seed * 7)).ToString(System.Globalization.CultureInfo.InvariantCulture));
            try
            {
                string recovered = await worker.LineContaining("recovered").WaitAsync(TimeSpan.FromSeconds(30));
                Assert.That(recovered, Does.Contain($"next={(seed == 1 ? 0 : lastJournaled)} "), $"seed {seed}: the writer continues where the journal ends");
                await worker.LineContaining("acked").WaitAsync(TimeSpan.FromSeconds(30));
                await Task.Delay(new Random(seed).Next(20, 300)); // a seeded point somewhere in the append loop
            }
            finally
            {
                worker.Dispose(); // SIGKILL: no finally block, no flush runs in the child
            }

            List<ProbeEvent> journaled = ReadProbes(temp.Directory, out JournalDamage? damage);
            Assert.That(damage, Is.Null, $"seed {seed}: a killed writer leaves no torn record (length is stored last)");
            long acked = worker.Stdout.Split('\n').Where(l => l.StartsWith("acked ", StringComparison.Ordinal))
                .Select(l => long.Parse(l.AsSpan(6), System.Globalization.CultureInfo.InvariantCulture)).DefaultIfEmpty(0).Max();
            lastAcked = Math.Max(lastAcked, acked);
            lastJournaled = journaled.Count;
            Assert.That(journaled.Count, Is.GreaterThanOrEqualTo(lastAcked), $"seed {seed}: every acknowledged event is in the journal");
            for (int i = 0; i < journaled.Count; i++)
            {
                if (!journaled[i].IsAt(i))
                {
                    Assert.Fail($"seed {seed}: event {i} is wrong or out of order");
                }
            }
        }

        // A writer opened after the last kill recovers and continues with no gap.
        using (ProbeWriter writer = ProbeWriter.Open(temp.Directory, default, JournalOptions.Default with { SegmentBytes = 256 << 10 }))
        {
            long next = writer.NextPosition;
            writer.Append([ProbeEvent.At(next)], 0);
        }

        List<ProbeEvent> final = ReadProbes(temp.Directory, out _);
        Assert.That(final[^1].IsAt(final.Count - 1), Is.True);
        Assert.That(final.Count, Is.GreaterThan(lastAcked));
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task Tailer_InAnotherProcess_SeesEveryEventInOrder_AcrossSegmentRolls()
    {
        using var temp = new TempJournal();
        const long Total = 200_000;
        using LabProcess tailer = LabProcess.Start(temp.Directory, "journal", "tail-worker", temp.Directory, "--count", Total.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var random = new Random(7);
        using (ProbeWriter writer = ProbeWriter.Open(temp.Directory, default, JournalOptions.Default with { SegmentBytes = 256 << 10 }))
        {
            var batch = new ProbeEvent[500];
            while (writer.NextPosition < Total)
            {
                int n = (int)Math.Min(1 + random.Next(batch.Length), Total - writer.NextPosition);
                for (int i = 0; i < n; i++)
                {
                    batch[i] = ProbeEvent.At(writer.NextPosition + i);
                }

                writer.Append(batch.AsSpan(0, n), 0);
                if (random.Next(50) == 0)
                {
                    await Task.Delay(1); // let the tailer catch up to the live end now and then
                }
            }
        }

        int exit = await tailer.WaitForExitAsync(TimeSpan.FromSeconds(90));
        Assert.That(tailer.Stdout, Does.Contain($"tail: {Total} events in order"), tailer.Stdout + tailer.Stderr);
        Assert.That(exit, Is.Zero);
        Assert.That(temp.Segments(), Has.Length.GreaterThan(10), "the tailer followed the writer across segment rolls");
    }
}

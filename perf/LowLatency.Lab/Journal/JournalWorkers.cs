using System.Diagnostics;
using LowLatency.Engine.Journal;

namespace LowLatency.Lab.Journal;

/// <summary>
/// Child processes for the journal's cross-process tests: a writer that is killed with SIGKILL while it appends,
/// and a tailer that follows a journal another process writes.
/// </summary>
internal static class JournalWorkers
{
    /// <summary>
    /// Appends <see cref="ProbeEvent"/>s forever (sync per batch) and prints <c>acked P</c> once the events before
    /// position P are on the disk, the point where an edge could acknowledge them. On start it prints what
    /// recovery found (<c>recovered …</c>) and continues at the journal's next position.
    /// </summary>
    public static int Append(string directory, int batch, long segmentBytes, ISegmentCompressor? compressor, TextWriter output)
    {
        using var writer = JournalWriter<ProbeEvent, BlittableCodec<ProbeEvent>>.Open(directory, default, JournalOptions.Default with
        {
            SegmentBytes = segmentBytes,
            Durability = JournalDurability.SyncPerBatch,
            Compressor = compressor,
        });
        output.WriteLine($"recovered next={writer.NextPosition} damage={writer.Recovery?.ToString() ?? "none"}");
        output.Flush();
        var events = new ProbeEvent[batch];
        while (true)
        {
            long next = writer.NextPosition;
            for (int i = 0; i < batch; i++)
            {
                events[i] = ProbeEvent.At(next + i);
            }

            writer.Append(events, Stopwatch.GetTimestamp());
            writer.EndBatch(Stopwatch.GetTimestamp());
            output.WriteLine($"acked {writer.NextPosition}");
            output.Flush();
        }
    }

    /// <summary>Follows the journal until <paramref name="count"/> events were read; checks each is the one its position says. Exit 0 when all were, in order.</summary>
    public static int Tail(string directory, long count, TimeSpan timeout, TextWriter output)
    {
        Directory.CreateDirectory(directory);
        using JournalReader reader = JournalReader.Open<ProbeEvent, BlittableCodec<ProbeEvent>>(directory, default);
        long seen = 0;
        long started = Stopwatch.GetTimestamp();
        while (seen < count)
        {
            if (!reader.TryRead(out JournalRecord record))
            {
                if (reader.Damage is not null || Stopwatch.GetElapsedTime(started) > timeout)
                {
                    output.WriteLine($"tail: stopped after {seen} events: {reader.Damage?.ToString() ?? $"no more within {timeout.TotalSeconds} s"}");
                    return 1;
                }

                Thread.Sleep(1);
                continue;
            }

            ReadOnlySpan<ProbeEvent> events = record.Events<ProbeEvent>();
            for (int i = 0; i < events.Length; i++)
            {
                if (!events[i].IsAt(seen))
                {
                    output.WriteLine($"tail: event {seen} is wrong (position field {events[i].Position})");
                    return 1;
                }

                seen++;
            }
        }

        output.WriteLine($"tail: {seen} events in order");
        return 0;
    }
}

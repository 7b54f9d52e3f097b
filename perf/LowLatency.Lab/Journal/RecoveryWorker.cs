using System.Diagnostics;
using System.Globalization;
using LowLatency.Engine.Journal;
using LowLatency.Engine.Pipelines;
using LowLatency.Engine.Processing;
using LowLatency.Engine.Time;
using LowLatency.Engine.Windowing;
using LowLatency.Lab.Bench.Window;

namespace LowLatency.Lab.Journal;

using Codec = BlittableCodec<WindowTrade>;
using Stage = RecordedClockWindowStage<WindowTrade, DigestedWindowOperator>;

/// <summary>
/// The full pipeline the recovery test kills with SIGKILL (<c>journal recovery-worker DIR</c>): a journaling stage,
/// then a window stage that takes a snapshot every <c>snapshotEvery</c> positions, fed trade <c>p</c> of the window
/// bench stream at journal position <c>p</c> (a source that can resend from any position, as a TCP publisher's
/// window or a Kafka offset can). On start it recovers: the latest snapshot, then the journal after the position it
/// covers through a replay pipeline, then live from the journal's next position to <c>events</c>, then drains and
/// prints the output digest. A run that is never killed prints the same digest.
/// </summary>
internal static class RecoveryWorker
{
    private const int Capacity = 4096;
    private const int Batch = 256;
    private const string SnapshotPrefix = "snapshot-";
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(60);

    public static int Run(string directory, long events, long snapshotEvery, long progressEvery, TextWriter output)
    {
        if (snapshotEvery % Batch != 0 || progressEvery % Batch != 0)
        {
            throw new ArgumentException($"--snapshot-every and --progress-every must be multiples of {Batch}.");
        }

        string journal = Path.Combine(directory, "journal");
        string snapshots = Path.Combine(directory, "snapshots");
        Directory.CreateDirectory(snapshots);
        using var writer = JournalWriter<WindowTrade, Codec>.Open(journal, default, JournalOptions.Default with { SegmentBytes = 4 << 20 });
        var op = new DigestedWindowOperator();
        long covered = RestoreLatest(snapshots, op);
        long replayed = ReplayJournal(journal, op, from: covered + 1);
        long next = writer.NextPosition;
        output.WriteLine($"recovered next={next} snapshot={covered} replayed={replayed} damage={writer.Recovery?.ToString() ?? "none"}");
        output.Flush();

        var recorded = new RecordedClock(Capacity);
        var barrier = new SnapshotBarrier();
        Pipeline<WindowTrade> pipeline = Pipeline<WindowTrade>.Create(PipelineOptions.Default with { Name = "recovery-live", Capacity = Capacity, WaitStrategy = WaitStrategyKind.Blocking });
        try
        {
            pipeline.HandleBatchesWith(new JournalStage<WindowTrade, Codec>(writer, new ProcessingClock(TimeProvider.System), recorded))
                .Then(new Stage(op, recorded, barrier));
            pipeline.Start();
            var batch = new WindowTrade[Batch];
            for (long position = next; position < events;)
            {
                int n = (int)Math.Min(Batch - (position % Batch), events - position); // batches end on multiples of Batch
                for (int i = 0; i < n; i++)
                {
                    WindowBenchStream.Get(position + i, out batch[i]);
                }

                long last = position + n - 1;
                bool snapshotHere = (last + 1) % snapshotEvery == 0;
                var image = new MemoryStream();
                Task<long>? taken = snapshotHere ? barrier.RequestAsync(last - next, image) : null;
                pipeline.RingBuffer.PublishBatch(batch.AsSpan(0, n));
                position += n;
                if (taken is not null)
                {
                    long sequence = taken.WaitAsync(s_bound).GetAwaiter().GetResult();
                    Save(snapshots, next + sequence, image);
                }

                if (position % progressEvery == 0)
                {
                    output.WriteLine($"published {position} events");
                    output.Flush();
                }
            }

            pipeline.DrainAsync().WaitAsync(s_bound).GetAwaiter().GetResult();
        }
        finally
        {
            pipeline.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        output.WriteLine($"done events={writer.NextPosition} results={op.Digest.Results} hash={op.Digest.Hash:x16}");
        return 0;
    }

    /// <summary>Restores the newest complete snapshot; the position it covers, or -1 when there is none.</summary>
    private static long RestoreLatest(string snapshots, DigestedWindowOperator op)
    {
        long covered = -1;
        foreach (string file in Directory.GetFiles(snapshots, SnapshotPrefix + "*.bin"))
        {
            string digits = Path.GetFileNameWithoutExtension(file)[SnapshotPrefix.Length..];
            if (long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long position) && position > covered)
            {
                covered = position;
            }
        }

        if (covered >= 0)
        {
            using FileStream image = File.OpenRead(SnapshotPath(snapshots, covered));
            op.RestoreSnapshot(image);
        }

        return covered;
    }

    /// <summary>Replays the journal from <paramref name="from"/> through the window stage (no journaling: these events are journaled already); returns the events replayed.</summary>
    private static long ReplayJournal(string journal, DigestedWindowOperator op, long from)
    {
        var clock = new RecordedClock(Capacity);
        Pipeline<WindowTrade> replay = Pipeline<WindowTrade>.Create(PipelineOptions.Default with { Name = "recovery-replay", Capacity = Capacity, WaitStrategy = WaitStrategyKind.Blocking });
        try
        {
            replay.HandleEventsWith(new Stage(op, clock));
            replay.Start();
            using JournalReader reader = JournalReader.Open<WindowTrade, Codec>(journal, default);
            JournalReplayResult result = JournalReplay.Run(reader, default(Codec), replay.RingBuffer, clock, JournalReplayOptions.Default with { FromPosition = from });

            // Handled, then stopped (not drained: draining would fire every open window, and the run goes on).
            long published = replay.RingBuffer.Cursor.ValueAcquire;
            long started = Stopwatch.GetTimestamp();
            while (replay.CompletedSequence < published)
            {
                if (Stopwatch.GetElapsedTime(started) > s_bound)
                {
                    throw new TimeoutException($"the replay of {result.Events} journaled events was not handled within {s_bound.TotalSeconds} s.");
                }

                Thread.Sleep(1);
            }

            replay.StopAsync().WaitAsync(s_bound).GetAwaiter().GetResult();
            return result.Events;
        }
        finally
        {
            replay.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>Writes a snapshot whole or not at all (a temporary file, then a rename) and keeps only the newest two.</summary>
    private static void Save(string snapshots, long covered, MemoryStream image)
    {
        string temporary = Path.Combine(snapshots, "snapshot.tmp");
        File.WriteAllBytes(temporary, image.ToArray());
        File.Move(temporary, SnapshotPath(snapshots, covered), overwrite: true);
        string[] files = Directory.GetFiles(snapshots, SnapshotPrefix + "*.bin");
        Array.Sort(files, StringComparer.Ordinal);
        for (int i = 0; i < files.Length - 2; i++)
        {
            File.Delete(files[i]);
        }
    }

    private static string SnapshotPath(string snapshots, long covered) =>
        Path.Combine(snapshots, SnapshotPrefix + covered.ToString("D15", CultureInfo.InvariantCulture) + ".bin");
}

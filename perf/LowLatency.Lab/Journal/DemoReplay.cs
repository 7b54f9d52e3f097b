using System.Diagnostics;
using System.Text.Json;
using LowLatency.Engine.Journal;
using LowLatency.Engine.Pipelines;
using LowLatency.Lab.Demo;
using LowLatency.Lab.Feed;
using LowLatency.Lab.Latency;
using LowLatency.Lab.Measurement;
using LowLatency.Lab.Reporting;
using LowLatency.Lab.Verification;

namespace LowLatency.Lab.Journal;

/// <summary>
/// <c>replay DIR</c>: the demo's pipeline (the same stages, sized as recorded), fed from the journal instead of
/// the feed, at max speed or paced; reports the sink's output hash next to the recorded run's.
/// </summary>
internal static class DemoReplay
{
    /// <summary>Where a replay starts or ends: a journal position, or an event time (ns since the Unix epoch).</summary>
    public readonly record struct Bound(long? Position, long? EventTimeNs);

    public static ReplayReport Run(string directory, Bound from, Bound to, double speed, CancellationToken cancel)
    {
        string recordedPath = Path.Combine(directory, RecordedRun.FileName);
        RecordedRun? recorded = File.Exists(recordedPath) ? JsonSerializer.Deserialize(File.ReadAllText(recordedPath), LabJsonContext.Default.RecordedRun) : null;
        int symbols = recorded?.Symbols ?? FeedSettings.Default.Symbols;
        var bound = recorded is null ? FeedSettings.Default.OutOfOrderBound : TimeSpan.FromTicks(recorded.OutOfOrderBoundNs / 100);
        Topology topology = recorded is not null && Enum.TryParse(recorded.Topology, out Topology t) ? t : Topology.Demo;

        using JournalReader reader = JournalReader.Open<DemoTick, DemoTickInputCodec>(directory, default);
        long first = reader.Segments.Count > 0 ? reader.Segments[0].FirstPosition : 0;
        long fromPosition = Resolve(reader, from, first);
        long toPosition = to.Position ?? (to.EventTimeNs is null ? long.MaxValue : Resolve(reader, to, first) - 1);

        var counters = new DemoCounters();
        var windows = new WindowStage(counters, symbols, bound);
        Pipeline<DemoTick> pipeline = Pipeline<DemoTick>.Create(PipelineOptions.Default with
        {
            Name = "replay",
            Capacity = recorded?.Capacity ?? 16_384,
            WaitStrategy = Environment.ProcessorCount >= 5 ? WaitStrategyKind.Hybrid : WaitStrategyKind.Blocking,
            DrainTimeout = TimeSpan.FromSeconds(60),
        });

        // Latency and verification mean nothing in a replay (the recorded send times are another process's
        // clock; a range is not every symbol's sequence from 1): the sink still runs them, only its hash is read.
        LabRun.Build(pipeline, topology, counters, new LatencyRecorder(), new StreamVerifier(sources: FeedSettings.Default.Source + 1, keys: symbols), windows);
        pipeline.Start();
        long started = Stopwatch.GetTimestamp();
        JournalReplayResult result;
        try
        {
            result = JournalReplay.Run(reader, default(DemoTickInputCodec), pipeline.RingBuffer, null,
                JournalReplayOptions.Default with { FromPosition = fromPosition, ToPosition = toPosition, Speed = speed }, cancel);
            pipeline.DrainAsync(CancellationToken.None).GetAwaiter().GetResult();
        }
        finally
        {
            pipeline.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        string hash = OutputHash.Format((ulong)Volatile.Read(ref counters.OutputHash));
        bool whole = fromPosition <= first && toPosition == long.MaxValue && !cancel.IsCancellationRequested;
        return new ReplayReport
        {
            Journal = Path.GetFullPath(directory),
            FromPosition = result.FirstPosition,
            ToPosition = result.LastPosition,
            Speed = speed,
            Events = result.Events,
            ElapsedSeconds = Math.Round(seconds, 3),
            EventsPerSecond = Math.Round(result.Events / Math.Max(seconds, 1e-9)),
            WindowsEmitted = Volatile.Read(ref counters.WindowsEmitted),
            Late = Volatile.Read(ref counters.Late),
            OutputHash = hash,
            RecordedOutputHash = recorded?.OutputHash,
            Identical = whole && recorded is not null ? recorded.OutputHash == hash : null,
            Damage = result.Damage?.ToString(),
            Interrupted = cancel.IsCancellationRequested,
        };
    }

    private static long Resolve(JournalReader reader, Bound bound, long first)
    {
        if (bound.Position is { } position)
        {
            return position;
        }

        if (bound.EventTimeNs is not { } time)
        {
            return first;
        }

        reader.SeekToEventTime<DemoTick, DemoTickInputCodec, TickTime>(time, default, default);
        return reader.TryRead(out JournalRecord record) ? record.Position : long.MaxValue;
    }

    private readonly struct TickTime : Engine.Time.ITimestampExtractor<DemoTick>
    {
        public long GetTimestamp(in DemoTick e) => e.EventTimeNs;
    }
}

using System.Text.Json.Serialization;
using LowLatency.Lab.Bench;
using LowLatency.Lab.Demo;

namespace LowLatency.Lab.Reporting;

/// <summary>
/// The JSON report every command writes with <c>--json</c>. Field names are a stable contract (README,
/// "Lab reports"): add fields, never rename or drop one.
/// </summary>
internal sealed record LabReport
{
    /// <summary>Report layout version; bumped only if a field ever has to change meaning.</summary>
    [JsonPropertyName("schema")]
    public int Schema { get; init; } = 1;

    [JsonPropertyName("command")]
    public required string Command { get; init; }

    [JsonPropertyName("timestampUtc")]
    public DateTime TimestampUtc { get; init; } = DateTime.UtcNow;

    [JsonPropertyName("machine")]
    public MachineInfo Machine { get; init; } = MachineInfo.Current;

    [JsonPropertyName("topology")]
    public required string Topology { get; init; }

    [JsonPropertyName("waitStrategy")]
    public required string WaitStrategy { get; init; }

    /// <summary>Threads the stages ran on: 0 = a thread per stage (<c>--layout</c>, <c>--threads</c>).</summary>
    [JsonPropertyName("stageThreads")]
    public int StageThreads { get; init; }

    /// <summary>Where ticks came from: <c>synthetic</c> (the built-in feed) or <c>tcp</c> (<c>demo --listen</c>).</summary>
    [JsonPropertyName("source")]
    public string Source { get; init; } = "synthetic";

    /// <summary>Offered rate (events/s); 0 = max speed (or ticks over TCP).</summary>
    [JsonPropertyName("offeredRate")]
    public long OfferedRate { get; init; }

    [JsonPropertyName("symbols")]
    public int Symbols { get; init; }

    [JsonPropertyName("seed")]
    public ulong Seed { get; init; }

    [JsonPropertyName("durationSeconds")]
    public double DurationSeconds { get; init; }

    /// <summary>Seconds the run actually took (Ctrl+C or a halted pipeline end it before <see cref="DurationSeconds"/>, the requested time).</summary>
    [JsonPropertyName("elapsedSeconds")]
    public double ElapsedSeconds { get; init; }

    /// <summary>Ctrl+C ended the run early; the figures cover what ran.</summary>
    [JsonPropertyName("interrupted")]
    public bool Interrupted { get; init; }

    [JsonPropertyName("warmupSeconds")]
    public double WarmupSeconds { get; init; }

    [JsonPropertyName("steadyStateSeconds")]
    public double SteadyStateSeconds { get; init; }

    /// <summary>Events the feed's schedule offered over the whole run: <c>events + dropped</c>.</summary>
    [JsonPropertyName("offered")]
    public long Offered { get; init; }

    /// <summary>Events the feed published over the whole run.</summary>
    [JsonPropertyName("events")]
    public long Events { get; init; }

    /// <summary>Events through the sink per second during the steady state.</summary>
    [JsonPropertyName("eventsPerSecond")]
    public double EventsPerSecond { get; init; }

    [JsonPropertyName("latencyNs")]
    public required LatencyFigures LatencyNs { get; init; }

    [JsonPropertyName("gc")]
    public required GcFigures Gc { get; init; }

    /// <summary>Bytes allocated by every thread of the process during the steady state.</summary>
    [JsonPropertyName("allocatedBytes")]
    public long AllocatedBytes { get; init; }

    [JsonPropertyName("lost")]
    public long Lost { get; init; }

    [JsonPropertyName("duplicated")]
    public long Duplicated { get; init; }

    [JsonPropertyName("reordered")]
    public long Reordered { get; init; }

    [JsonPropertyName("corrupted")]
    public long Corrupted { get; init; }

    /// <summary>True when the verifier could account for every event (lost/duplicated/reordered are exact).</summary>
    [JsonPropertyName("verified")]
    public bool Verified { get; init; }

    [JsonPropertyName("late")]
    public long Late { get; init; }

    [JsonPropertyName("dropped")]
    public long Dropped { get; init; }

    [JsonPropertyName("rejected")]
    public long Rejected { get; init; }

    [JsonPropertyName("windowsEmitted")]
    public long WindowsEmitted { get; init; }

    [JsonPropertyName("windowSamples")]
    public IReadOnlyList<WindowSampleFigures> WindowSamples { get; init; } = [];

    [JsonPropertyName("intervals")]
    public IReadOnlyList<IntervalFigures> Intervals { get; init; } = [];

    /// <summary>Soak only: fitted slopes, latency drift and the verdict.</summary>
    [JsonPropertyName("soak")]
    public SoakVerdict? Soak { get; init; }

    /// <summary>With <c>--listen</c>: the TCP source's edge (connections, disconnects by reason, resumes, duplicates, gaps).</summary>
    [JsonPropertyName("edge")]
    public EdgeFigures? Edge { get; init; }

    /// <summary>The sink's hash over every tick's output, in sequence order (16 hex digits); a replay of a journal reports the same.</summary>
    [JsonPropertyName("outputHash")]
    public string? OutputHash { get; init; }

    /// <summary>With <c>demo --journal</c>: the journal folder.</summary>
    [JsonPropertyName("journal")]
    public string? Journal { get; init; }

    /// <summary>Files written next to the report (histogram, plots, Markdown).</summary>
    [JsonPropertyName("files")]
    public IReadOnlyList<string> Files { get; init; } = [];

    public static LabReport From(string command, RunResult run, IReadOnlyList<string>? files = null, SoakVerdict? soak = null)
    {
        var samples = new List<WindowSampleFigures>(run.WindowSamples.Count);
        foreach (WindowResult w in run.WindowSamples)
        {
            samples.Add(WindowSampleFigures.From(w));
        }

        var intervals = new List<IntervalFigures>(run.Intervals.Count);
        foreach (IntervalSample s in run.Intervals)
        {
            intervals.Add(IntervalFigures.From(s));
        }

        return new LabReport
        {
            Command = command,
            Topology = run.Spec.Topology.ToString().ToLowerInvariant(),
            WaitStrategy = run.Spec.WaitStrategy.ToString().ToLowerInvariant(),
            StageThreads = run.Spec.StageThreads,
            Source = run.Spec.Listen is null ? "synthetic" : "tcp",
            OfferedRate = run.Spec.Listen is null ? run.Spec.Feed.Rate : 0,
            Symbols = run.Spec.Feed.Symbols,
            Seed = run.Spec.Feed.Seed,
            DurationSeconds = run.Spec.Duration.TotalSeconds,
            ElapsedSeconds = Math.Round(run.Elapsed.TotalSeconds, 3),
            Interrupted = run.Interrupted,
            WarmupSeconds = run.Spec.Warmup.TotalSeconds,
            SteadyStateSeconds = Math.Round(run.SteadyElapsed.TotalSeconds, 3),
            Offered = run.Offered,
            Events = run.Events,
            EventsPerSecond = Math.Round(run.EventsPerSecond),
            LatencyNs = LatencyFigures.From(run.Latency),
            Gc = new GcFigures { Gen0 = run.SteadyGc.Gen0, Gen1 = run.SteadyGc.Gen1, Gen2 = run.SteadyGc.Gen2 },
            AllocatedBytes = run.SteadyGc.AllocatedBytes,
            Lost = run.Verification.Lost,
            Duplicated = run.Verification.Duplicated,
            Reordered = run.Verification.Reordered,
            Corrupted = run.Verification.Corrupted,
            Verified = run.Verification.Verifiable && run.Events > 0,
            Late = run.Late,
            Dropped = run.Dropped,
            Rejected = run.Rejected,
            WindowsEmitted = run.WindowsEmitted,
            WindowSamples = samples,
            Intervals = intervals,
            Soak = soak,
            Edge = run.Edge,
            OutputHash = Demo.OutputHash.Format(run.OutputHash),
            Journal = run.Spec.Journal,
            Files = files ?? [],
        };
    }
}

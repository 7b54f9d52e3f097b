namespace LowLatency.Lab.Reporting;

/// <summary>
/// The JSON report of <c>lowlatency demo --kafka --json</c>. Field names are a stable contract (README, "Lab
/// reports"): add fields, never rename or drop one.
/// </summary>
internal sealed record KafkaDemoReport
{
    public int Schema { get; init; } = 1;

    public string Command { get; init; } = "demo";

    public string Mode { get; init; } = "kafka";

    public DateTime TimestampUtc { get; init; } = DateTime.UtcNow;

    public required string Bootstrap { get; init; }

    public required bool Embedded { get; init; }

    public required double DurationSeconds { get; init; }

    public required double ElapsedSeconds { get; init; }

    public required bool Interrupted { get; init; }

    /// <summary>Ticks per second asked for; 0 = as fast as the producer accepts.</summary>
    public required long OfferedRate { get; init; }

    public required int Symbols { get; init; }

    public required long Fed { get; init; }

    public required long Consumed { get; init; }

    public required long Bars { get; init; }

    /// <summary>Records the source refused: null values.</summary>
    public required long MalformedNullValue { get; init; }

    /// <summary>Records the source refused: undecodable values.</summary>
    public required long MalformedUndecodable { get; init; }

    /// <summary>Ticks whose instrument is outside [0, symbols): counted and skipped by the bar stage.</summary>
    public required long RejectedKeys { get; init; }

    /// <summary>Whether the bars topic was read back and checked (false when interrupted or stopped by an error).</summary>
    public required bool Verified { get; init; }

    public required long Lost { get; init; }

    public required long Duplicated { get; init; }

    public required long Inconsistent { get; init; }

    /// <summary>The one-line error that stopped the run, if one did.</summary>
    public string? Error { get; init; }

    /// <summary>What every Kafka demo run reports; the caller adds what its mode counts with <c>with</c>.</summary>
    public static KafkaDemoReport Of(Kafka.KafkaDemoSpec spec, string bootstrap, bool embedded, TimeSpan elapsed, bool interrupted, long fed, Testing.Kafka.BarVerifier? check, string? error) => new()
    {
        Bootstrap = bootstrap,
        Embedded = embedded,
        DurationSeconds = spec.Duration.TotalSeconds,
        ElapsedSeconds = elapsed.TotalSeconds,
        Interrupted = interrupted,
        OfferedRate = spec.Rate,
        Symbols = spec.Symbols,
        Fed = fed,
        Consumed = 0,
        Bars = check?.Bars ?? 0,
        MalformedNullValue = 0,
        MalformedUndecodable = 0,
        RejectedKeys = 0,
        Verified = check is not null,
        Lost = check?.Lost ?? 0,
        Duplicated = check?.Duplicates ?? 0,
        Inconsistent = check?.Inconsistent ?? 0,
        Error = error,
    };

    /// <summary>Worker processes (0: the engine ran in the lab's process).</summary>
    public int Workers { get; init; }

    /// <summary>Whether the workers committed exactly once; then lost and duplicated are as read through the state topic.</summary>
    public bool ExactlyOnce { get; init; }

    /// <summary>Whether workers were SIGKILLed and restarted during the run.</summary>
    public bool Chaos { get; init; }

    /// <summary>Worker processes started beyond the first N (after a kill or a failure).</summary>
    public int Restarts { get; init; }

    /// <summary>SIGKILLs: sent by the schedule plus those workers sent themselves at protocol points.</summary>
    public int SigKills { get; init; }

    /// <summary>Workers that stopped on their own with an error (e.g. fenced after their session expired).</summary>
    public int WorkerFailures { get; init; }

    /// <summary>Exactly once: tasks taken over (claims) beyond each partition's first.</summary>
    public long Rebalances { get; init; }

    /// <summary>Exactly once: output records on the log that belong to no committed epoch (the mock shows aborted and open transactions), ignored.</summary>
    public long Uncommitted { get; init; }

    /// <summary>Exactly once: mean and longest commit (flush, state records, offsets, commit) over the workers' last reports, ms.</summary>
    public double CommitMeanMs { get; init; }

    /// <summary>Exactly once: the longest commit seen in the workers' last reports, ms.</summary>
    public double CommitMaxMs { get; init; }
}

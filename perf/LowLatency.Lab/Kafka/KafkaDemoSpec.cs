namespace LowLatency.Lab.Kafka;

/// <summary>What <c>demo --kafka</c> runs: the shared run options plus the Kafka ones, checked before any work.</summary>
internal sealed record KafkaDemoSpec
{
    /// <summary>A real cluster's bootstrap servers, or null for the embedded mock cluster.</summary>
    public string? Bootstrap { get; init; }

    public required TimeSpan Duration { get; init; }

    /// <summary>Ticks per second offered (paced open loop); 0 = as fast as the producer accepts.</summary>
    public required long Rate { get; init; }

    /// <summary>Instruments (keys); the feed sends whole rounds of one tick per instrument.</summary>
    public required int Symbols { get; init; }

    public int Partitions { get; init; } = 4;

    /// <summary>Tumbling window size in event-time ticks (ticks are 10 apart per instrument).</summary>
    public long Window { get; init; } = 1000;

    /// <summary>Group session timeout: 6 s works with a real broker (its <c>group.min.session.timeout.ms</c> is 6 s).</summary>
    public TimeSpan SessionTimeout { get; init; } = TimeSpan.FromSeconds(6);

    /// <summary>Longest wait on an unreachable cluster before the run stops with one line (source and feed alike).</summary>
    public TimeSpan BrokerTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Keep the embedded cluster up after the run until Ctrl+C, so outside clients (kcat) can attach.</summary>
    public bool Hold { get; init; }

    public string? JsonPath { get; init; }

    /// <summary>Worker processes (<c>kafka-worker</c>) in one group; 0 runs the engine in this process.</summary>
    public int Workers { get; init; }

    /// <summary>Workers commit exactly once (transactions, state topic) instead of at least once.</summary>
    public bool ExactlyOnce { get; init; }

    /// <summary>Kill and restart workers with SIGKILL at seeded times and protocol points during the run.</summary>
    public bool Chaos { get; init; }

    /// <summary>Seeds the chaos schedule.</summary>
    public ulong Seed { get; init; } = 42;
}

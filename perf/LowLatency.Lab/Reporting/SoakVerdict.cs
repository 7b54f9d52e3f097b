using System.Text.Json.Serialization;

namespace LowLatency.Lab.Reporting;

/// <summary>The <c>soak</c> object: what the soak fitted and whether every invariant held.</summary>
internal sealed record SoakVerdict
{
    /// <summary>Least-squares slope of RSS over the steady-state samples.</summary>
    [JsonPropertyName("rssSlopeBytesPerSecond")]
    public double RssSlopeBytesPerSecond { get; init; }

    /// <summary>Least-squares slope of the GC heap over the steady-state samples.</summary>
    [JsonPropertyName("heapSlopeBytesPerSecond")]
    public double HeapSlopeBytesPerSecond { get; init; }

    /// <summary>p99.9 of the first steady-state tenth of the run (merged intervals), ns.</summary>
    [JsonPropertyName("firstIntervalP999Ns")]
    public long FirstIntervalP999Ns { get; init; }

    /// <summary>p99.9 of the last tenth of the run, ns.</summary>
    [JsonPropertyName("lastIntervalP999Ns")]
    public long LastIntervalP999Ns { get; init; }

    /// <summary>Gen2 collections during the steady state.</summary>
    [JsonPropertyName("gen2Growth")]
    public int Gen2Growth { get; init; }

    [JsonPropertyName("threadsFirst")]
    public int ThreadsFirst { get; init; }

    [JsonPropertyName("threadsLast")]
    public int ThreadsLast { get; init; }

    [JsonPropertyName("handlesFirst")]
    public int HandlesFirst { get; init; }

    [JsonPropertyName("handlesLast")]
    public int HandlesLast { get; init; }

    /// <summary>Whether the run had tiered compilation on (its tier-up shows as RSS steps in the first minute).</summary>
    [JsonPropertyName("tieredCompilation")]
    public bool TieredCompilation { get; init; }

    [JsonPropertyName("passed")]
    public bool Passed { get; init; }

    /// <summary>One line per failed invariant; empty when passed.</summary>
    [JsonPropertyName("failures")]
    public IReadOnlyList<string> Failures { get; init; } = [];
}

using System.Globalization;

namespace LowLatency.Lab.Bench;

/// <summary>What one iteration of a scenario measured.</summary>
/// <param name="Events">Events that went through, end to end.</param>
/// <param name="Elapsed">Wall time of the measured part.</param>
/// <param name="AllocatedBytes">Bytes allocated by every thread during the measured part (GC.GetTotalAllocatedBytes(true) delta).</param>
/// <param name="Figures">Further figures of the iteration by name (latency, memory), printed after the description and written as <c>figures</c>.</param>
internal sealed record BenchResult(long Events, TimeSpan Elapsed, long AllocatedBytes, IReadOnlyDictionary<string, double>? Figures = null)
{
    public double EventsPerSecond => Events / Elapsed.TotalSeconds;

    public double AllocatedBytesPerEvent => Events == 0 ? 0 : (double)AllocatedBytes / Events;

    /// <summary>The rate and the figures, for a progress line (a round's latency is only printed there: the table shows the median run's).</summary>
    public string Summary() =>
        string.Create(CultureInfo.InvariantCulture, $"{EventsPerSecond / 1e6:F1} M/s") + (Figures is { Count: > 0 } ? "  " + FiguresText() : "");

    /// <summary>The figures as "name value" pairs (4 significant digits, invariant culture), as the table and progress lines print them.</summary>
    public string FiguresText() =>
        string.Join("  ", (Figures ?? new Dictionary<string, double>()).Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.Key} {f.Value:G4}")));
}

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
}

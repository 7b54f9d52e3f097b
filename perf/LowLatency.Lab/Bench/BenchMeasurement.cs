using System.Diagnostics;

namespace LowLatency.Lab.Bench;

/// <summary>Times a measured section and counts what every thread allocated during it.</summary>
internal readonly struct BenchMeasurement
{
    private readonly long _start;
    private readonly long _allocated;

    private BenchMeasurement(long start, long allocated)
    {
        _start = start;
        _allocated = allocated;
    }

    public static BenchMeasurement Start() => new(Stopwatch.GetTimestamp(), GC.GetTotalAllocatedBytes(precise: true));

    public BenchResult Stop(long events, IReadOnlyDictionary<string, double>? figures = null) =>
        new(events, Stopwatch.GetElapsedTime(_start), GC.GetTotalAllocatedBytes(precise: true) - _allocated, figures);

    /// <summary>Ends the section with the time the scenario measured itself (the part of the section it times); allocation still counts the whole section.</summary>
    public BenchResult Stop(long events, TimeSpan measured) =>
        new(events, measured, GC.GetTotalAllocatedBytes(precise: true) - _allocated);
}

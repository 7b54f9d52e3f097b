namespace LowLatency.Lab.Bench;

/// <summary>
/// The machine's core-to-core round trip (<see cref="Measurement.CoreToCoreProbe"/>) before and after a bench
/// run; no "after" when Ctrl+C ended the run (two spinning threads on a busy box can take seconds).
/// </summary>
internal readonly record struct CoreToCoreFloor(double BeforeNanoseconds, double? AfterNanoseconds);

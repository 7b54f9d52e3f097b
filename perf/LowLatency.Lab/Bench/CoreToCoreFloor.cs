namespace LowLatency.Lab.Bench;

/// <summary>The machine's core-to-core round trip (<see cref="Measurement.CoreToCoreProbe"/>) before and after a bench run.</summary>
internal readonly record struct CoreToCoreFloor(double BeforeNanoseconds, double AfterNanoseconds);

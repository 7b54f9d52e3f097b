namespace LowLatency.Lab.Bench;

/// <summary>
/// The machine's core-to-core round trip (<see cref="Measurement.CoreToCoreProbe"/>) before and after a bench
/// run; no "after" when Ctrl+C ended the run (two spinning threads on a busy box can take seconds); and,
/// with <c>--rounds</c>, the reading at the start of each round.
/// </summary>
internal readonly record struct CoreToCoreFloor(double BeforeNanoseconds, double? AfterNanoseconds, IReadOnlyList<double>? RoundNanoseconds = null)
{
    /// <summary>True when the scenarios ran in rounds: each row holds one iteration per round, and ratios are per round.</summary>
    public bool InRounds => RoundNanoseconds is { Count: > 0 };
}

namespace LowLatency.Lab.Bench;

/// <summary>How long and how hard a scenario runs.</summary>
/// <param name="Quick">True under <c>--quick</c>: short runs (a scenario in seconds, the engine group in about 15 s).</param>
/// <param name="Events">Events to push through in one measured iteration.</param>
internal sealed record BenchContext(bool Quick, long Events);

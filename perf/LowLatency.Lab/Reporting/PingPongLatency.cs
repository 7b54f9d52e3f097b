namespace LowLatency.Lab.Reporting;

/// <summary>Round-trip percentiles of <c>pingpong</c>, in nanoseconds.</summary>
internal sealed record PingPongLatency(long P50, long P90, long P99, long P999, long Max);

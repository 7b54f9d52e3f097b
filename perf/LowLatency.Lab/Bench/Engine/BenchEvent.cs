namespace LowLatency.Lab.Bench.Engine;

/// <summary>The 8-byte struct event of the engine throughput scenarios (as in Disruptor-net's perf tests).</summary>
internal struct BenchEvent
{
    public long Value;
}

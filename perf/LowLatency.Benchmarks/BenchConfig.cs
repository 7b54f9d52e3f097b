using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace LowLatency.Benchmarks;

/// <summary>A short job: a few warm-ups, ten measured iterations; enough to compare side by side on a noisy 2-core box.</summary>
public sealed class BenchConfig : ManualConfig
{
    public BenchConfig()
    {
        AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(10).WithInvocationCount(1).WithUnrollFactor(1));
    }
}

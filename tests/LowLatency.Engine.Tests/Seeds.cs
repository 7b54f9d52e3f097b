using NUnit.Framework;

namespace LowLatency.Engine.Tests;

/// <summary>Seeds for randomized tests: fixed per test case, printed so a failure can be replayed.</summary>
public static class Seeds
{
    /// <summary>A random generator for <paramref name="seed"/>, announced in the test output.</summary>
    public static Random Create(int seed)
    {
        TestContext.Out.WriteLine($"seed = {seed}");
        return new Random(seed);
    }
}

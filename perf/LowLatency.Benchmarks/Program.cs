using BenchmarkDotNet.Running;

namespace LowLatency.Benchmarks;

/// <summary>Entry point: <c>dotnet run -c Release --project perf/LowLatency.Benchmarks -- --filter '*'</c>.</summary>
internal static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}

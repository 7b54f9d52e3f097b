namespace LowLatency.Lab.Bench;

/// <summary>One line of the bench report: a scenario's median over its measured iterations.</summary>
internal sealed record BenchRow(IBenchScenario Scenario, IReadOnlyList<BenchResult> Iterations)
{
    public BenchResult Median => Iterations.OrderBy(r => r.EventsPerSecond).ElementAt(Iterations.Count / 2);
}

namespace LowLatency.Lab.Bench.Window;

/// <summary>A scenario that lost or invented trades measured nothing: fail loudly.</summary>
internal static class WindowScenarioCheck
{
    public static void AllCounted(long countedTrades, long expected, long late, string scenario)
    {
        if (countedTrades + late != expected || late != 0)
        {
            throw new InvalidOperationException($"{scenario}: results hold {countedTrades} trades (+{late} late), expected {expected}.");
        }
    }
}

using LowLatency.Lab.Measurement;

namespace LowLatency.Lab.Bench;

/// <summary>
/// <c>bench --rounds N</c>: every scenario warmed up once, then measured once per round, the order rotated by
/// one scenario each round and the core-to-core probe read at the start of each round. A ratio is taken
/// between two scenarios of the same round, so a change of the VM's speed between rounds (it runs at two)
/// moves both sides; each scenario's figure is its median over the rounds, and its ratios the medians of
/// the per-round ratios.
/// </summary>
internal static class BenchRounds
{
    /// <summary>Measures <paramref name="scenarios"/> in <paramref name="rounds"/> rotated rounds.</summary>
    public static RoundsResult Run(IReadOnlyList<IBenchScenario> scenarios, int rounds, bool quick, Action<string> progress, CancellationToken cancel)
    {
        // --quick keeps its budget: a quick run measures three iterations per scenario, rounds share that time.
        TimeSpan budget = quick ? BenchRunner.Budget(quick) * 3 / rounds : BenchRunner.Budget(quick);
        var events = new Dictionary<IBenchScenario, long>();
        foreach (IBenchScenario scenario in scenarios)
        {
            if (cancel.IsCancellationRequested)
            {
                break;
            }

            progress($"warming {scenario.Name} …");
            if (BenchRunner.WarmUp(scenario, quick, budget, cancel) is { } count)
            {
                events[scenario] = count;
            }
        }

        var measured = scenarios.ToDictionary(s => s, _ => new List<BenchResult>());
        var probes = new List<double>();
        for (int round = 0; round < rounds && !cancel.IsCancellationRequested; round++)
        {
            probes.Add(CoreToCoreProbe.RoundTripNanoseconds());
            progress($"round {round + 1}/{rounds} (core-to-core {probes[^1]:F0} ns)");
            for (int i = 0; i < scenarios.Count && !cancel.IsCancellationRequested; i++)
            {
                IBenchScenario scenario = scenarios[(i + round) % scenarios.Count];
                if (events.TryGetValue(scenario, out long count))
                {
                    measured[scenario].Add(BenchRunner.Measure(scenario, quick, count));
                    progress($"  {scenario.Name}: {measured[scenario][^1].Summary()}");
                }
            }
        }

        // Only complete rounds count, so every per-round ratio compares two runs of one round.
        int complete = measured.Values.Where(m => m.Count > 0).Select(m => m.Count).DefaultIfEmpty(0).Min();
        List<BenchRow> rows = [.. scenarios.Where(s => measured[s].Count > 0).Select(s => new BenchRow(s, measured[s].Take(complete).ToList()))];
        return new RoundsResult(rows, probes);
    }

    /// <summary>The median over the rounds of <paramref name="row"/>'s rate ÷ <paramref name="reference"/>'s in the same round.</summary>
    public static double? MedianRatio(BenchRow row, BenchRow? reference) =>
        MedianRatio(row, reference, result => result.EventsPerSecond);

    /// <summary>
    /// The median over the rounds of <paramref name="row"/>'s figure <paramref name="figure"/> (a latency percentile) ÷
    /// <paramref name="reference"/>'s in the same round; null unless both have it, above 0, in every round.
    /// </summary>
    public static double? MedianFigureRatio(BenchRow row, BenchRow? reference, string figure) =>
        MedianRatio(row, reference, result => result.Figures?.GetValueOrDefault(figure) ?? 0);

    private static double? MedianRatio(BenchRow row, BenchRow? reference, Func<BenchResult, double> value)
    {
        if (reference is null || reference.Iterations.Count != row.Iterations.Count || row.Iterations.Count == 0
            || row.Iterations.Concat(reference.Iterations).Any(result => value(result) <= 0))
        {
            return null;
        }

        double[] ratios = [.. row.Iterations.Zip(reference.Iterations, (a, b) => value(a) / value(b)).Order()];
        int middle = ratios.Length / 2;
        return ratios.Length % 2 == 1 ? ratios[middle] : (ratios[middle - 1] + ratios[middle]) / 2;
    }
}

/// <summary>What a rounds run measured: one row per scenario (an iteration per round), and the probe of each round.</summary>
internal sealed record RoundsResult(IReadOnlyList<BenchRow> Rows, IReadOnlyList<double> ProbeNanoseconds);

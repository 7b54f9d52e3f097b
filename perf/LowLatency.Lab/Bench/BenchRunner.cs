namespace LowLatency.Lab.Bench;

/// <summary>
/// Runs scenarios one after another in this process: each is calibrated to a time budget (warm-up runs,
/// so the JIT has reached its optimized tier), then measured several times; the median counts.
/// </summary>
/// <remarks>
/// The full mode keeps warming while the rate still climbs: with every core busy, the JIT's background
/// thread can take seconds to re-compile a scenario's hot code (the TCP source's rate doubled over its first
/// runs), and those runs would otherwise be measured. <c>--quick</c> keeps two warm-ups to stay short.
/// </remarks>
internal static class BenchRunner
{
    private const long FirstWarmUpEvents = 100_000;
    private const int MaxExtraWarmUps = 4;
    private const double StillClimbing = 1.10;

    /// <summary>
    /// Warms up and measures <paramref name="scenario"/>. <paramref name="cancel"/> is checked between runs
    /// (a run lasts one budget: 200 ms quick, 2 s full): the measured iterations so far are returned, or null
    /// when cancelled before the first.
    /// </summary>
    public static BenchRow? Run(IBenchScenario scenario, bool quick, Action<string>? progress = null, CancellationToken cancel = default)
    {
        int iterations = quick ? 3 : 5;
        long? events = WarmUp(scenario, quick, Budget(quick), cancel);
        if (events is null)
        {
            return null;
        }

        var results = new List<BenchResult>(iterations);
        for (int i = 0; i < iterations && !cancel.IsCancellationRequested; i++)
        {
            results.Add(Measure(scenario, quick, events.Value));
            progress?.Invoke($"{scenario.Name}: {results[^1].Summary()}");
        }

        return results.Count > 0 ? new BenchRow(scenario, results) : null;
    }

    /// <summary>The time one measured run aims at: 200 ms quick, 2 s full.</summary>
    public static TimeSpan Budget(bool quick) => quick ? TimeSpan.FromMilliseconds(200) : TimeSpan.FromSeconds(2);

    /// <summary>
    /// Warms <paramref name="scenario"/> up (see remarks) and returns the events a measured run needs to last
    /// <paramref name="budget"/>, or null when cancelled first.
    /// </summary>
    public static long? WarmUp(IBenchScenario scenario, bool quick, TimeSpan budget, CancellationToken cancel = default)
    {
        BenchResult warm = scenario.Run(new BenchContext(quick, FirstWarmUpEvents));
        if (cancel.IsCancellationRequested)
        {
            return null;
        }

        warm = scenario.Run(new BenchContext(quick, EventsFor(warm, budget / 2)));
        for (int i = 0; !quick && i < MaxExtraWarmUps && !cancel.IsCancellationRequested; i++)
        {
            BenchResult next = scenario.Run(new BenchContext(quick, EventsFor(warm, budget / 2)));
            bool climbing = next.EventsPerSecond > warm.EventsPerSecond * StillClimbing;
            warm = next;
            if (!climbing)
            {
                break;
            }
        }

        return EventsFor(warm, budget);
    }

    /// <summary>One measured run of <paramref name="events"/> events, on a clean heap.</summary>
    public static BenchResult Measure(IBenchScenario scenario, bool quick, long events)
    {
        Collect();
        return scenario.Run(new BenchContext(quick, events));
    }

    private static long EventsFor(BenchResult sample, TimeSpan budget)
    {
        double events = sample.EventsPerSecond * budget.TotalSeconds;
        return (long)Math.Clamp(events, FirstWarmUpEvents, 2_000_000_000);
    }

    /// <summary>A clean heap before each measured run, so one scenario's garbage is not collected during the next.</summary>
    private static void Collect()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }
}

using LowLatency.Lab.Demo;
using LowLatency.Lab.Measurement;
using LowLatency.Lab.Reporting;

namespace LowLatency.Lab.Soak;

/// <summary>
/// Judges a soak run: lost = duplicated = reordered = corrupted = 0, RSS and heap flat after warm-up
/// (least-squares slopes), no gen2 collection in the steady state, threads and handles back where they
/// started, and the last tenth's p99.9 within tolerance of the first tenth's.
/// </summary>
/// <remarks>
/// The heap is fitted through its floor (the lowest sample of each tenth of the steady state), not
/// through every sample: between two gen0 collections the heap rises by whatever garbage the monitor
/// made, and a plain fit over a few such saw teeth reports a slope that is only the phase of the teeth.
/// A leak raises the floor. Per-tenth p99.9 is the median of the per-interval p99.9 values in it, so one
/// noisy interval (the machine is shared) does not decide the verdict.
/// </remarks>
internal static class SoakAnalysis
{
    public static SoakVerdict Judge(RunResult run, SoakThresholds thresholds) =>
        Judge(run.Intervals, run.Verification.Lost, run.Verification.Duplicated, run.Verification.Reordered, run.Verification.Corrupted, run.Verification.Verifiable, run.SteadyGc.Gen2, thresholds);

    public static SoakVerdict Judge(IReadOnlyList<IntervalSample> intervals, long lost, long duplicated, long reordered, long corrupted, bool verifiable, int gen2Growth, SoakThresholds thresholds)
    {
        var steady = new List<IntervalSample>();
        foreach (IntervalSample s in intervals)
        {
            if (!s.Warmup)
            {
                steady.Add(s);
            }
        }

        var failures = new List<string>();
        if (lost != 0 || duplicated != 0 || reordered != 0 || corrupted != 0)
        {
            failures.Add($"verifier: lost {lost}, duplicated {duplicated}, reordered {reordered}, corrupted {corrupted} (all must be 0)");
        }

        if (!verifiable)
        {
            failures.Add("verifier: more simultaneous gaps than it can track; counts are not exact");
        }

        if (gen2Growth != 0)
        {
            failures.Add($"gen2: {gen2Growth} collection(s) during the steady state (must be 0)");
        }

        double[] t = new double[steady.Count];
        double[] rss = new double[steady.Count];
        for (int i = 0; i < steady.Count; i++)
        {
            t[i] = steady[i].ElapsedSeconds;
            rss[i] = steady[i].RssBytes;
        }

        double rssSlope = LeastSquares.Slope(t, rss);
        double heapSlope = HeapFloorSlope(steady);
        if (rssSlope > thresholds.MaxRssSlopeBytesPerSecond)
        {
            failures.Add($"RSS grows {Units.Bytes(rssSlope)}/s after warm-up (limit {Units.Bytes(thresholds.MaxRssSlopeBytesPerSecond)}/s)");
        }

        if (heapSlope > thresholds.MaxHeapSlopeBytesPerSecond)
        {
            failures.Add($"GC heap floor grows {Units.Bytes(heapSlope)}/s after warm-up (limit {Units.Bytes(thresholds.MaxHeapSlopeBytesPerSecond)}/s)");
        }

        int tenth = Math.Max(1, steady.Count / 10);
        long firstP999 = MedianP999(steady, 0, tenth);
        long lastP999 = MedianP999(steady, steady.Count - tenth, tenth);
        if (steady.Count >= 2 && lastP999 > firstP999 * (1 + thresholds.P999Tolerance))
        {
            failures.Add($"p99.9 drifted: last tenth {Units.Nanoseconds(lastP999)} vs first tenth {Units.Nanoseconds(firstP999)} (tolerance {thresholds.P999Tolerance:P0})");
        }

        int threadsFirst = steady.Count > 0 ? steady[0].Threads : 0;
        int threadsLast = steady.Count > 0 ? steady[^1].Threads : 0;
        int handlesFirst = steady.Count > 0 ? steady[0].Handles : 0;
        int handlesLast = steady.Count > 0 ? steady[^1].Handles : 0;
        if (threadsLast > threadsFirst + thresholds.ResourceSlack)
        {
            failures.Add($"threads grew from {threadsFirst} to {threadsLast}");
        }

        if (handlesLast > handlesFirst + thresholds.ResourceSlack)
        {
            failures.Add($"handles grew from {handlesFirst} to {handlesLast}");
        }

        if (steady.Count < 2)
        {
            failures.Add("fewer than two steady-state samples: nothing to fit (run longer or sample more often)");
        }

        return new SoakVerdict
        {
            RssSlopeBytesPerSecond = Math.Round(rssSlope, 1),
            HeapSlopeBytesPerSecond = Math.Round(heapSlope, 1),
            FirstIntervalP999Ns = firstP999,
            LastIntervalP999Ns = lastP999,
            Gen2Growth = gen2Growth,
            ThreadsFirst = threadsFirst,
            ThreadsLast = threadsLast,
            HandlesFirst = handlesFirst,
            HandlesLast = handlesLast,
            TieredCompilation = TieredCompilationEnabled,
            Passed = failures.Count == 0,
            Failures = failures,
        };
    }

    /// <summary>
    /// True unless tiered compilation was switched off (<c>DOTNET_TieredCompilation=0</c>, its legacy
    /// <c>COMPlus_</c> spelling, or the runtimeconfig switch).
    /// </summary>
    public static bool TieredCompilationEnabled
    {
        get
        {
            string? setting = Environment.GetEnvironmentVariable("DOTNET_TieredCompilation") ?? Environment.GetEnvironmentVariable("COMPlus_TieredCompilation");
            if (setting is not null)
            {
                return setting != "0";
            }

            return AppContext.GetData("System.Runtime.TieredCompilation") is not (false or "false" or "False");
        }
    }

    /// <summary>Least-squares slope through the lowest heap sample of each tenth of the steady state.</summary>
    internal static double HeapFloorSlope(IReadOnlyList<IntervalSample> steady)
    {
        int segments = Math.Min(10, steady.Count);
        if (segments < 2)
        {
            return 0;
        }

        double[] t = new double[segments];
        double[] floor = new double[segments];
        for (int s = 0; s < segments; s++)
        {
            int from = s * steady.Count / segments;
            int to = (s + 1) * steady.Count / segments;
            int lowest = from;
            for (int i = from + 1; i < to; i++)
            {
                if (steady[i].GcHeapBytes < steady[lowest].GcHeapBytes)
                {
                    lowest = i;
                }
            }

            t[s] = steady[lowest].ElapsedSeconds;
            floor[s] = steady[lowest].GcHeapBytes;
        }

        return LeastSquares.Slope(t, floor);
    }

    private static long MedianP999(List<IntervalSample> samples, int from, int count)
    {
        if (samples.Count == 0)
        {
            return 0;
        }

        long[] values = new long[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = samples[from + i].P999;
        }

        Array.Sort(values);
        return values[count / 2];
    }
}

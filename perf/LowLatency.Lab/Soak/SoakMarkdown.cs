using System.Text;
using LowLatency.Lab.Reporting;

namespace LowLatency.Lab.Soak;

/// <summary>The soak's Markdown report: figures, invariants with their verdicts, and the plot.</summary>
internal static class SoakMarkdown
{
    public static string Render(LabReport report, string plotFile, SoakThresholds thresholds)
    {
        SoakVerdict soak = report.Soak ?? throw new ArgumentException("Not a soak report.", nameof(report));
        var md = new StringBuilder();
        md.AppendLine($"# Soak report — {(soak.Passed ? "PASSED" : "FAILED")}");
        md.AppendLine();
        md.AppendLine($"Demo pipeline at {Units.Rate(report.OfferedRate)} offered (open loop) for {report.DurationSeconds:F0} s " +
                      $"({report.WarmupSeconds:F0} s warm-up), {report.Symbols:N0} symbols, {report.WaitStrategy} wait, seed {report.Seed}.  ");
        md.AppendLine($"Machine: {report.Machine}. Run at {report.TimestampUtc:u}.");
        md.AppendLine();
        md.AppendLine("| figure | value |");
        md.AppendLine("|---|---|");
        md.AppendLine($"| events | {report.Events:N0} |");
        md.AppendLine($"| throughput (steady) | {Units.Rate(report.EventsPerSecond)} |");
        md.AppendLine($"| latency p50 / p99 / p99.9 / max | {Units.Nanoseconds(report.LatencyNs.P50)} / {Units.Nanoseconds(report.LatencyNs.P99)} / {Units.Nanoseconds(report.LatencyNs.P999)} / {Units.Nanoseconds(report.LatencyNs.Max)} |");
        md.AppendLine($"| GC in steady state (gen0 / gen1 / gen2) | {report.Gc.Gen0} / {report.Gc.Gen1} / {report.Gc.Gen2} |");
        md.AppendLine($"| allocated in steady state (all threads) | {Units.Bytes(report.AllocatedBytes)} |");
        md.AppendLine($"| windows emitted / late / dropped / rejected | {report.WindowsEmitted:N0} / {report.Late:N0} / {report.Dropped:N0} / {report.Rejected:N0} |");
        md.AppendLine();
        md.AppendLine("| invariant | measured | limit | |");
        md.AppendLine("|---|---|---|---|");
        Row(md, "lost = duplicated = reordered = corrupted = 0", $"{report.Lost} / {report.Duplicated} / {report.Reordered} / {report.Corrupted}", "0", report.Lost == 0 && report.Duplicated == 0 && report.Reordered == 0 && report.Corrupted == 0 && report.Verified);
        Row(md, "RSS slope after warm-up (least squares)", $"{Units.Bytes(soak.RssSlopeBytesPerSecond)}/s", $"{Units.Bytes(thresholds.MaxRssSlopeBytesPerSecond)}/s", soak.RssSlopeBytesPerSecond <= thresholds.MaxRssSlopeBytesPerSecond);
        Row(md, "GC heap floor slope after warm-up", $"{Units.Bytes(soak.HeapSlopeBytesPerSecond)}/s", $"{Units.Bytes(thresholds.MaxHeapSlopeBytesPerSecond)}/s", soak.HeapSlopeBytesPerSecond <= thresholds.MaxHeapSlopeBytesPerSecond);
        Row(md, "gen2 collections in steady state", soak.Gen2Growth.ToString(), "0", soak.Gen2Growth == 0);
        Row(md, "p99.9 first → last tenth", $"{Units.Nanoseconds(soak.FirstIntervalP999Ns)} → {Units.Nanoseconds(soak.LastIntervalP999Ns)}", $"+{thresholds.P999Tolerance:P0}", soak.LastIntervalP999Ns <= soak.FirstIntervalP999Ns * (1 + thresholds.P999Tolerance));
        Row(md, "threads first → last", $"{soak.ThreadsFirst} → {soak.ThreadsLast}", $"+{thresholds.ResourceSlack}", soak.ThreadsLast <= soak.ThreadsFirst + thresholds.ResourceSlack);
        Row(md, "handles first → last", $"{soak.HandlesFirst} → {soak.HandlesLast}", $"+{thresholds.ResourceSlack}", soak.HandlesLast <= soak.HandlesFirst + thresholds.ResourceSlack);
        md.AppendLine();
        if (soak.Failures.Count > 0)
        {
            md.AppendLine("Failures:");
            md.AppendLine();
            foreach (string failure in soak.Failures)
            {
                md.AppendLine($"- {failure}");
            }

            md.AppendLine();
        }

        md.AppendLine($"![soak plots]({plotFile})");
        return md.ToString();
    }

    private static void Row(StringBuilder md, string name, string measured, string limit, bool ok) =>
        md.AppendLine($"| {name} | {measured} | {limit} | {(ok ? "pass" : "**FAIL**")} |");
}

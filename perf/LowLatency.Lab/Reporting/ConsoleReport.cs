using LowLatency.Lab.Bench;
using LowLatency.Lab.Demo;

namespace LowLatency.Lab.Reporting;

/// <summary>The final report of a run, as text.</summary>
internal static class ConsoleReport
{
    public static void Print(TextWriter o, string title, RunResult run, MachineInfo machine)
    {
        RunSpec spec = run.Spec;
        LatencyFigures l = LatencyFigures.From(run.Latency);
        string offered = spec.Listen is not null
            ? $"ticks over TCP on {spec.Listen}"
            : spec.Feed.Rate > 0 ? $"offered {Units.Rate(spec.Feed.Rate)} open loop" : "max speed, closed loop";

        o.WriteLine();
        o.WriteLine(title);
        o.WriteLine($"  machine        {machine}");
        o.WriteLine($"  setup          {spec.Feed.Symbols:N0} symbols (Zipf {spec.Feed.Skew}), {spec.WaitStrategy} wait, {(spec.StageThreads == 0 ? "a thread per stage" : $"stages on {spec.StageThreads} thread(s)")}, ring {spec.Capacity:N0}, seed {spec.Feed.Seed}");
        if (run.Interrupted)
        {
            o.WriteLine($"  interrupted    Ctrl+C after {run.Elapsed.TotalSeconds:F1} s of {spec.Duration.TotalSeconds:F0} s: the figures cover what ran");
        }

        o.WriteLine($"  events         {run.Events:N0} in {run.Elapsed.TotalSeconds:F1} s ({spec.Warmup.TotalSeconds:F0} s warm-up excluded from the figures below)");
        o.WriteLine($"  throughput     {Units.Rate(run.EventsPerSecond)} ({offered})");
        o.WriteLine($"  latency        p50 {Units.Nanoseconds(l.P50)} | p99 {Units.Nanoseconds(l.P99)} | p99.9 {Units.Nanoseconds(l.P999)} | max {Units.Nanoseconds(l.Max)}   ({(spec.Listen is null ? "from intended send time" : "from arrival in the ring")}, {l.Count:N0} events)");
        o.WriteLine($"  GC (steady)    gen0 {run.SteadyGc.Gen0} | gen1 {run.SteadyGc.Gen1} | gen2 {run.SteadyGc.Gen2} | allocated {Units.Bytes(run.SteadyGc.AllocatedBytes)} in {run.SteadyElapsed.TotalSeconds:F1} s (all threads, monitor included)");
        o.WriteLine($"  windows        {run.WindowsEmitted:N0} emitted | late {run.Late:N0} | dropped {run.Dropped:N0} | rejected {run.Rejected:N0} | risk breaches {run.PriceBandBreaches + run.NotionalBreaches:N0}");
        var v = run.Verification;
        string verdict = run.Events == 0 ? "NOTHING TO VERIFY" : v.IsClean ? "verified" : "FAILED";
        o.WriteLine($"  verifier       lost {v.Lost} | duplicated {v.Duplicated} | reordered {v.Reordered} | corrupted {v.Corrupted} of {v.Expected:N0} published: {verdict}");
        run.Edge?.Print(o, run.Spec.Duration);
        if (run.WindowSamples.Count > 0)
        {
            o.WriteLine("  sample windows");
            foreach (WindowResult w in run.WindowSamples)
            {
                string span = $"[{DateTime.UnixEpoch.AddTicks(w.StartNs / 100):HH:mm:ss}, {DateTime.UnixEpoch.AddTicks(w.EndNs / 100):HH:mm:ss})";
                o.WriteLine(w.Kind == "tumbling-1s"
                    ? $"    S{w.Symbol:D4} {w.Kind,-14} {span} O {w.Open,8:F2} H {w.High,8:F2} L {w.Low,8:F2} C {w.Close,8:F2} VWAP {w.Vwap,10:F4} vol {w.Volume,10:N0} ({w.Count:N0} ticks)"
                    : $"    S{w.Symbol:D4} {w.Kind,-14} {span} volume {w.Volume:N0}");
            }
        }
    }
}

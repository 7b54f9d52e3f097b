using System.CommandLine;
using LowLatency.Engine.Pipelines;
using LowLatency.Lab.Bench;
using LowLatency.Lab.Demo;
using LowLatency.Lab.Reporting;
using LowLatency.Lab.Soak;
using Spectre.Console;

namespace LowLatency.Lab.Commands;

/// <summary>
/// <c>lowlatency soak</c>: the demo pipeline for a long time at a fixed rate, verified and sampled; exits
/// non-zero when any invariant fails.
/// </summary>
internal static class SoakCommand
{
    private const string Description =
        "Soak: runs the demo pipeline for --duration at a fixed open-loop rate with the verifier (lost, duplicated, reordered), " +
        "samples RSS, GC heap, GC counts, allocation rate, threads, handles and p99.9 per interval, and writes JSON, Markdown " +
        "and plots. Exit code 1 when an invariant fails.";

    internal static Command Create()
    {
        var options = new RunOptions(duration: 600, rate: 200_000, spinning: WaitStrategyKind.Hybrid, warmupCap: 60, warmupShare: 0.5);
        var output = new Option<DirectoryInfo>("--out", "-o")
        {
            Description = "Directory for soak.json, soak.md and soak.png.",
            DefaultValueFactory = _ => new DirectoryInfo("lab-output"),
        };
        var rssSlope = new Option<double>("--max-rss-slope")
        {
            Description = "Largest acceptable RSS slope after warm-up, bytes/s.",
            DefaultValueFactory = _ => SoakThresholds.Default.MaxRssSlopeBytesPerSecond,
        };
        var heapSlope = new Option<double>("--max-heap-slope")
        {
            Description = "Largest acceptable slope of the GC heap's floor after warm-up, bytes/s.",
            DefaultValueFactory = _ => SoakThresholds.Default.MaxHeapSlopeBytesPerSecond,
        };
        var tolerance = new Option<double>("--p999-tolerance")
        {
            Description = "Largest acceptable rise of p99.9 from the first to the last tenth of the run (0.2 = 20 %).",
            DefaultValueFactory = _ => SoakThresholds.Default.P999Tolerance,
        };

        var command = new Command("soak", Description);
        options.AddTo(command);
        command.Options.Add(output);
        command.Options.Add(rssSlope);
        command.Options.Add(heapSlope);
        command.Options.Add(tolerance);
        command.SetAction(parse =>
        {
            var thresholds = new SoakThresholds
            {
                MaxRssSlopeBytesPerSecond = parse.GetValue(rssSlope),
                MaxHeapSlopeBytesPerSecond = parse.GetValue(heapSlope),
                P999Tolerance = parse.GetValue(tolerance),
            };
            thresholds.Validate();
            RunSpec spec = options.ToValidSpec(parse, Console.Error, sampleProcess: true);
            string folder = OutputPaths.CheckFolder("--out", parse.GetValue(output)!.FullName);
            return Run(spec, thresholds, new DirectoryInfo(folder), options.CheckedJsonPath(parse));
        });
        return command;
    }

    internal static int Run(RunSpec spec, SoakThresholds thresholds, DirectoryInfo outputDirectory, string? jsonPath)
    {
        MachineInfo machine = MachineInfo.Current;
        TextWriter o = Console.Out;
        // Before the first line: a Ctrl+C as soon as the run announces itself ends it early instead of killing it.
        using var ctrlC = new CtrlC();
        o.WriteLine($"LowLatency soak: demo pipeline, {spec.Duration.TotalSeconds:F0} s at {Units.Rate(spec.Feed.Rate)} (warm-up {spec.Warmup.TotalSeconds:F0} s), {spec.Feed.Symbols:N0} symbols, {spec.WaitStrategy} wait");
        if (SoakAnalysis.TieredCompilationEnabled && spec.Warmup < TimeSpan.FromSeconds(60))
        {
            o.WriteLine("  note: tiered compilation is on and the warm-up is under 60 s: JIT tier-up of methods called about once a second can show as RSS growth (warm up 60 s, or set DOTNET_TieredCompilation=0)");
        }

        RunResult run;
        if (ProgressLine.StdoutIsTerminal)
        {
            run = AnsiConsole.Progress()
                .AutoRefresh(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .Start(context =>
                {
                    ProgressTask task = context.AddTask("soak", maxValue: spec.Duration.TotalSeconds);
                    return LabRun.Execute(spec, s =>
                    {
                        task.Description = $"p99.9 {Units.Nanoseconds(s.P999)} | RSS {Units.Bytes(s.RssBytes)} | lag {s.Lag}";
                        task.Value = s.ElapsedSeconds;
                        context.Refresh();
                    }, cancel: ctrlC.Token);
                });
        }
        else
        {
            // Not a terminal: a plain line every tenth of the run (or every interval for short runs).
            int every = Math.Max(1, (int)(spec.Duration / spec.Interval / 10));
            int count = 0;
            run = LabRun.Execute(spec, s =>
            {
                if (++count % every == 0)
                {
                    o.WriteLine($"  {s.ElapsedSeconds,6:F0}/{spec.Duration.TotalSeconds:F0} s ({Math.Max(0, spec.Duration.TotalSeconds - s.ElapsedSeconds):F0} s left) | {Units.Rate(s.EventsPerSecond)} | p99.9 {Units.Nanoseconds(s.P999)} | RSS {Units.Bytes(s.RssBytes)} | heap {Units.Bytes(s.GcHeapBytes)} | threads {s.Threads} | handles {s.Handles}");
                }
            }, cancel: ctrlC.Token);
        }

        SoakVerdict verdict = SoakAnalysis.Judge(run, thresholds);
        ConsoleReport.Print(o, "Soak report", run, machine);

        outputDirectory.Create();
        string png = Path.Combine(outputDirectory.FullName, "soak.png");
        string markdown = Path.Combine(outputDirectory.FullName, "soak.md");
        string json = jsonPath ?? Path.Combine(outputDirectory.FullName, "soak.json");
        Plots.Soak(png, $"soak {Units.Rate(spec.Feed.Rate)}", run.Intervals, verdict.RssSlopeBytesPerSecond, verdict.HeapSlopeBytesPerSecond);
        LabReport report = LabReport.From("soak", run, [png, markdown], verdict) with { Machine = machine };
        ReportFiles.WriteJson(json, report);
        File.WriteAllText(markdown, SoakMarkdown.Render(report, Path.GetFileName(png), thresholds));

        o.WriteLine($"  RSS slope      {Units.Bytes(verdict.RssSlopeBytesPerSecond)}/s | heap floor slope {Units.Bytes(verdict.HeapSlopeBytesPerSecond)}/s | gen2 in steady state {verdict.Gen2Growth}");
        o.WriteLine($"  p99.9          first tenth {Units.Nanoseconds(verdict.FirstIntervalP999Ns)} → last tenth {Units.Nanoseconds(verdict.LastIntervalP999Ns)}");
        o.WriteLine($"  threads        {verdict.ThreadsFirst} → {verdict.ThreadsLast} | handles {verdict.HandlesFirst} → {verdict.HandlesLast}");
        o.WriteLine($"  files          {json}, {markdown}, {png}");
        if (verdict.Passed)
        {
            o.WriteLine("  verdict        PASSED");
            return 0;
        }

        o.WriteLine("  verdict        FAILED");
        foreach (string failure in verdict.Failures)
        {
            o.WriteLine($"    - {failure}");
        }

        return 1;
    }
}

using System.CommandLine;
using System.Diagnostics;
using LowLatency.Lab.Bench;
using LowLatency.Lab.Measurement;

namespace LowLatency.Lab.Commands;

/// <summary><c>lowlatency bench</c>: side-by-side throughput of the engine and its baselines, in one process.</summary>
internal static class BenchCommand
{
    internal static Command Create()
    {
        var quick = new Option<bool>("--quick") { Description = "Short iterations: the whole run finishes in under 30 seconds." };
        var json = new Option<FileInfo?>("--json") { Description = "Also write the results as JSON to this path." };
        var only = new Option<string[]>("--scenario")
        {
            Description = "Run only scenarios whose name contains one of these (repeatable); the baseline always runs.",
            AllowMultipleArgumentsPerToken = true,
        };
        var list = new Option<bool>("--list") { Description = "List the scenarios and exit." };

        var command = new Command("bench", "Throughput of the engine next to Channel<T> and BlockingCollection<T>, side by side in one run.")
        {
            quick, json, only, list,
        };
        command.SetAction(parse =>
        {
            if (parse.GetValue(list))
            {
                foreach (IBenchScenario scenario in BenchCatalog.All)
                {
                    Console.WriteLine($"{scenario.Name,-34} {scenario.Description}");
                }

                return RunGuard.Passed;
            }

            IBenchScenario[] selected = Select(parse.GetValue(only) ?? []);
            string? path = parse.GetValue(json) is { } file ? OutputPaths.CheckFile("--json", file.FullName) : null;
            return Run(selected, parse.GetValue(quick), path);
        });
        return command;
    }

    /// <summary>The scenarios the filters name (the baseline always); a filter that matches nothing is a usage error listing the names.</summary>
    internal static IBenchScenario[] Select(IReadOnlyList<string> filters)
    {
        foreach (string filter in filters)
        {
            if (!BenchCatalog.All.Any(s => s.Name.Contains(filter, StringComparison.OrdinalIgnoreCase)))
            {
                throw new UsageException($"--scenario '{filter}' matches no scenario; valid names: {string.Join(", ", BenchCatalog.All.Select(s => s.Name))}.");
            }
        }

        return [.. BenchCatalog.All.Where(s =>
            filters.Count == 0 || s.Name == BenchCatalog.Baseline || filters.Any(f => s.Name.Contains(f, StringComparison.OrdinalIgnoreCase)))];
    }

    private static int Run(IBenchScenario[] selected, bool quick, string? jsonPath)
    {
        using var ctrlC = new CtrlC();
        long start = Stopwatch.GetTimestamp();
        var rows = new List<BenchRow>();
        double floorBefore = CoreToCoreProbe.RoundTripNanoseconds();
        foreach (IBenchScenario scenario in selected)
        {
            if (ctrlC.Token.IsCancellationRequested)
            {
                break;
            }

            Console.Error.WriteLine($"running {scenario.Name} …");
            if (BenchRunner.Run(scenario, quick, line => Console.Error.WriteLine($"  {line}"), ctrlC.Token) is { } row)
            {
                rows.Add(row);
            }
        }

        bool interrupted = ctrlC.Token.IsCancellationRequested;
        var floor = new CoreToCoreFloor(floorBefore, interrupted ? null : CoreToCoreProbe.RoundTripNanoseconds());
        TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
        Console.WriteLine();
        if (interrupted)
        {
            Console.WriteLine($"interrupted: Ctrl+C after {elapsed.TotalSeconds:F1} s; {rows.Count} of {selected.Length} scenarios measured (the last one possibly with fewer iterations)");
        }

        Console.Write(BenchReport.Table(rows, floor));
        if (jsonPath is not null)
        {
            BenchReport.WriteJson(jsonPath, rows, floor, elapsed, interrupted);
            Console.WriteLine($"json: {jsonPath}");
        }

        return RunGuard.Passed;
    }
}

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
        var quick = new Option<bool>("--quick") { Description = "Short iterations (200 ms a run, 2 warm-ups, 3 measured): the engine scenarios take about 15 s; the whole catalog, with its Kafka, WebSocket and demo scenarios, takes minutes." };
        var json = new Option<FileInfo?>("--json") { Description = "Also write the results as JSON to this path." };
        var only = new Option<string[]>("--scenario")
        {
            Description = "Run only scenarios whose name contains one of these, or is exactly NAME given as =NAME (repeatable); the baseline always runs.",
            AllowMultipleArgumentsPerToken = true,
        };
        var list = new Option<bool>("--list") { Description = "List the scenarios and exit." };
        var rounds = new Option<int>("--rounds")
        {
            Description = "Measure every scenario once per round, in N rounds with the order rotated and the core-to-core probe read each round; ratios are medians of per-round ratios (each scenario's reference runs too). 1 (default): each scenario's iterations back to back.",
            DefaultValueFactory = _ => 1,
        };

        var command = new Command("bench", "Throughput of the engine next to Channel<T> and BlockingCollection<T>, side by side in one run.")
        {
            quick, json, only, list, rounds,
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

            int roundCount = parse.GetValue(rounds);
            if (roundCount is < 1 or > 100)
            {
                throw new UsageException($"--rounds must be between 1 and 100 (got {roundCount}).");
            }

            IBenchScenario[] selected = Select(parse.GetValue(only) ?? [], withReferences: roundCount > 1);
            string? path = parse.GetValue(json) is { } file ? OutputPaths.CheckFile("--json", file.FullName) : null;
            return roundCount > 1 ? RunRounds(selected, roundCount, parse.GetValue(quick), path) : Run(selected, parse.GetValue(quick), path);
        });
        return command;
    }

    /// <summary>
    /// The scenarios the filters name (the baseline always, and with <paramref name="withReferences"/> each one's
    /// reference); a filter that matches nothing is a usage error listing the names.
    /// </summary>
    internal static IBenchScenario[] Select(IReadOnlyList<string> filters, bool withReferences = false)
    {
        foreach (string filter in filters)
        {
            if (!BenchCatalog.All.Any(s => Matches(s.Name, filter)))
            {
                throw new UsageException($"--scenario '{filter}' matches no scenario; valid names: {string.Join(", ", BenchCatalog.All.Select(s => s.Name))}.");
            }
        }

        IBenchScenario[] named = [.. BenchCatalog.All.Where(s =>
            filters.Count == 0 || s.Name == BenchCatalog.Baseline || filters.Any(f => Matches(s.Name, f)))];
        if (!withReferences)
        {
            return named;
        }

        HashSet<string> wanted = [.. named.Select(s => s.Name), .. named.Select(s => BenchCatalog.ReferenceOf(s.Name)).OfType<string>()];
        return [.. BenchCatalog.All.Where(s => wanted.Contains(s.Name))];
    }

    /// <summary>A <c>--scenario</c> filter: part of the name, or with a leading <c>=</c> the whole of it (<c>=demo-1m</c> is not <c>demo-1m-journal</c>).</summary>
    private static bool Matches(string name, string filter) =>
        filter.StartsWith('=')
            ? name.Equals(filter[1..], StringComparison.OrdinalIgnoreCase)
            : name.Contains(filter, StringComparison.OrdinalIgnoreCase);

    private static int RunRounds(IBenchScenario[] selected, int rounds, bool quick, string? jsonPath)
    {
        using var ctrlC = new CtrlC();
        long start = Stopwatch.GetTimestamp();
        double floorBefore = CoreToCoreProbe.RoundTripNanoseconds();
        RoundsResult result = BenchRounds.Run(selected, rounds, quick, line => Console.Error.WriteLine(line), ctrlC.Token);
        bool interrupted = ctrlC.Token.IsCancellationRequested;
        var floor = new CoreToCoreFloor(floorBefore, interrupted ? null : CoreToCoreProbe.RoundTripNanoseconds(), result.ProbeNanoseconds);
        TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
        Console.WriteLine();
        if (interrupted)
        {
            Console.WriteLine($"interrupted: Ctrl+C after {elapsed.TotalSeconds:F1} s; {(result.Rows.Count > 0 ? result.Rows[0].Iterations.Count : 0)} of {rounds} rounds complete");
        }

        Console.Write(BenchReport.Table(result.Rows, floor));
        if (jsonPath is not null)
        {
            BenchReport.WriteJson(jsonPath, result.Rows, floor, elapsed, interrupted);
            Console.WriteLine($"json: {jsonPath}");
        }

        return RunGuard.Passed;
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

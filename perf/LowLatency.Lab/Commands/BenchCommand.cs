using System.CommandLine;
using LowLatency.Lab.Bench;
using LowLatency.Lab.Measurement;

namespace LowLatency.Lab.Commands;

/// <summary><c>lowlatency bench</c>: side-by-side throughput of the engine and its baselines, in one process.</summary>
internal static class BenchCommand
{
    internal static Command Create()
    {
        var quick = new Option<bool>("--quick") { Description = "Short iterations: the whole run finishes in under 30 seconds." };
        var json = new Option<string?>("--json") { Description = "Also write the results as JSON to this path." };
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

                return 0;
            }

            string[] filters = parse.GetValue(only) ?? [];
            IBenchScenario[] selected = [.. BenchCatalog.All.Where(s =>
                filters.Length == 0 || s.Name == BenchCatalog.Baseline || filters.Any(f => s.Name.Contains(f, StringComparison.OrdinalIgnoreCase)))];
            if (selected.Length == 0)
            {
                Console.Error.WriteLine("No scenario matches; see --list.");
                return 2;
            }

            bool isQuick = parse.GetValue(quick);
            var rows = new List<BenchRow>();
            double floorBefore = CoreToCoreProbe.RoundTripNanoseconds();
            foreach (IBenchScenario scenario in selected)
            {
                Console.Error.WriteLine($"running {scenario.Name} …");
                rows.Add(BenchRunner.Run(scenario, isQuick, line => Console.Error.WriteLine($"  {line}")));
            }

            var floor = new CoreToCoreFloor(floorBefore, CoreToCoreProbe.RoundTripNanoseconds());
            Console.WriteLine();
            Console.Write(BenchReport.Table(rows, floor));
            if (parse.GetValue(json) is { } path)
            {
                BenchReport.WriteJson(path, rows, floor);
                Console.WriteLine($"json: {path}");
            }

            return 0;
        });
        return command;
    }
}

using System.CommandLine;
using System.Net;
using LowLatency.Engine.Pipelines;
using LowLatency.Lab.Bench;
using LowLatency.Lab.Demo;
using LowLatency.Lab.Reporting;
using LowLatency.Lab.Tcp;

namespace LowLatency.Lab.Commands;

/// <summary>
/// <c>lowlatency demo</c> (also the default command): a synthetic market-data feed through validate/enrich,
/// 1 s OHLC+VWAP and 5 s/1 s hopping volume windows, a risk check and a verifying sink, with live progress
/// and a final report.
/// </summary>
internal static class DemoCommand
{
    public const string Title = "LowLatency demo: feed → validate/enrich → 1 s OHLC+VWAP, 5 s/1 s hopping volume → risk check → sink";

    private const string Description =
        "The main job: a synthetic market-data feed (thousands of symbols, skewed activity, out-of-order and late ticks) " +
        "through validate/enrich → per-symbol 1 s tumbling OHLC+VWAP and 5 s/1 s hopping volume → risk check → sink, " +
        "with live progress and a verified final report. No external services.";

    internal static Command Create()
    {
        var command = new Command("demo", Description);
        Configure(command);
        return command;
    }

    /// <summary>Gives <paramref name="command"/> the demo's options and action (the root command runs the demo too).</summary>
    internal static void Configure(Command command)
    {
        var options = new RunOptions(duration: 10, rate: 1_000_000, spinning: WaitStrategyKind.Hybrid);
        var listen = new Option<string?>("--listen")
        {
            Description = "Take ticks over TCP from `lowlatency feed --connect HOST:PORT` instead of the synthetic feed. " +
                "IP:PORT, localhost:PORT, or *:PORT (every interface: opt-in exposure). Latency is then measured from arrival.",
        };
        var kafka = new Option<bool>("--kafka")
        {
            Description = "Run the demo through Kafka instead: feed → topic `ticks` → engine (1 s windows) → topic `bars`, verified. " +
                "Uses an embedded librdkafka mock cluster (its bootstrap address is printed) unless --bootstrap is given.",
        };
        var bootstrap = new Option<string?>("--bootstrap")
        {
            Description = "With --kafka: HOST:PORT of a real cluster whose `ticks` and `bars` topics the demo may use.",
        };
        var journal = new Option<DirectoryInfo?>("--journal")
        {
            Description = "Record every tick into a journal in this (new or empty) folder, with the output hash; `lowlatency replay DIR` replays it.",
        };
        Option<string?> dashboard = DashboardOption.Create();
        options.AddTo(command);
        command.Options.Add(dashboard);
        command.Options.Add(listen);
        command.Options.Add(kafka);
        command.Options.Add(bootstrap);
        command.Options.Add(journal);
        command.SetAction(parse =>
        {
            if (parse.GetValue(kafka))
            {
                if (parse.GetValue(listen) is not null)
                {
                    throw new UsageException("--listen and --kafka are alternatives: ticks come over TCP or through Kafka.");
                }

                if (parse.GetValue(journal) is not null)
                {
                    throw new UsageException("--journal records the in-process demo; with --kafka the topic `ticks` is the record.");
                }

                using var ctrlC = new CtrlC();
                return Kafka.KafkaDemo.RunAsync(parse.GetValue(bootstrap), Console.Out, ctrlC.Token).GetAwaiter().GetResult();
            }

            if (parse.GetValue(bootstrap) is not null)
            {
                throw new UsageException("--bootstrap goes with --kafka.");
            }

            IPEndPoint? endpoint = null;
            if (parse.GetValue(listen) is { } address && !TcpEndPoints.TryParseListen(address, out endpoint))
            {
                throw new UsageException($"--listen must be IP:PORT, localhost:PORT or *:PORT, got '{address}'.");
            }

            RunSpec spec = options.ToValidSpec(parse, Console.Error, listen: endpoint);
            if (parse.GetValue(journal) is { } journalFolder)
            {
                spec = spec with { Journal = CheckedJournalFolder(journalFolder.FullName) };
            }

            spec = DashboardOption.Apply(parse, dashboard, spec);
            return Run(spec, options.CheckedJsonPath(parse), Console.Out);
        });
    }

    private static string CheckedJournalFolder(string folder)
    {
        string full = OutputPaths.CheckFolder("--journal", folder);
        if (Journal.DemoJournal.HoldsJournal(full))
        {
            throw new UsageException($"--journal: '{folder}' already holds a journal; give a new or empty folder (replay it with `lowlatency replay {folder}`).");
        }

        return full;
    }

    internal static int Run(RunSpec spec, string? jsonPath, TextWriter output, Action<IPEndPoint>? onListening = null)
    {
        MachineInfo machine = MachineInfo.Current;
        // Before the first line: a Ctrl+C as soon as the run announces itself ends it early instead of killing it.
        using var ctrlC = new CtrlC();
        output.WriteLine(Title);
        output.WriteLine(spec.Listen is not null
            ? $"  {spec.Duration.TotalSeconds:F0} s of ticks over TCP, {spec.Feed.Symbols:N0} symbols, {spec.WaitStrategy} wait; Ctrl+C to stop"
            : spec.Feed.Rate > 0
                ? $"  {spec.Duration.TotalSeconds:F0} s at {Units.Rate(spec.Feed.Rate)} offered (open loop), {spec.Feed.Symbols:N0} symbols, {spec.WaitStrategy} wait; Ctrl+C to stop"
                : $"  {spec.Duration.TotalSeconds:F0} s at max speed, {spec.Feed.Symbols:N0} symbols, {spec.WaitStrategy} wait; Ctrl+C to stop");

        var progress = new ProgressLine(output, inPlace: ReferenceEquals(output, Console.Out) && ProgressLine.StdoutIsTerminal, spec.Duration.TotalSeconds);
        RunResult run = LabRun.Execute(
            spec,
            progress.Update,
            endpoint =>
            {
                output.WriteLine($"  listening on {endpoint}: run `lowlatency feed --connect {endpoint}` to send ticks");
                onListening?.Invoke(endpoint);
            },
            endpoint => output.WriteLine($"  dashboard http://{endpoint}/ (WebSocket ws://{endpoint}/ws); serving until the run ends"),
            ctrlC.Token);
        progress.Complete();

        ConsoleReport.Print(output, "Report", run, machine);
        if (jsonPath is not null)
        {
            ReportFiles.WriteJson(jsonPath, LabReport.From("demo", run) with { Machine = machine });
            output.WriteLine($"  json           {jsonPath}");
        }

        if (spec.Journal is not null)
        {
            output.WriteLine($"  journal        {spec.Journal} (output hash {OutputHash.Format(run.OutputHash)}; `lowlatency replay {spec.Journal}` replays it)");
        }

        return run.Verification.IsClean ? 0 : 1;
    }
}

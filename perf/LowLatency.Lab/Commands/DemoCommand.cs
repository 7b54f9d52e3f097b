using System.CommandLine;
using System.Net;
using LowLatency.Engine.Journal;
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
        var token = new Option<string?>("--token")
        {
            Description = "With --listen: the token a publisher's hello must carry (`lowlatency feed --token T`); at most 256 UTF-8 bytes. Without it any publisher is accepted.",
        };
        var kafka = new Kafka.KafkaDemoOptions();
        var journal = new Option<DirectoryInfo?>("--journal")
        {
            Description = "Record every tick into a journal in this (new or empty) folder, with the output hash; `lowlatency replay DIR` replays it.",
        };
        Option<string?> journalCompress = Journal.JournalCompressOption.Create();
        var journalSegmentBytes = new Option<long?>("--journal-segment-bytes")
        {
            Description = $"With --journal: bytes per segment file (default {JournalOptions.Default.SegmentBytes:D}; at least 65536, a multiple of 8). " +
                "Smaller segments roll, and compress, sooner.",
        };
        Option<string?> dashboard = DashboardOption.Create();
        options.AddTo(command);
        command.Options.Add(dashboard);
        command.Options.Add(listen);
        command.Options.Add(token);
        kafka.AddTo(command);
        command.Options.Add(journal);
        command.Options.Add(journalCompress);
        command.Options.Add(journalSegmentBytes);
        command.SetAction(parse =>
        {
            ISegmentCompressor? compressor = Journal.JournalCompressOption.Parse(parse.GetValue(journalCompress));
            if (parse.GetValue(journalCompress) is not null && parse.GetValue(journal) is null)
            {
                throw new UsageException($"{Journal.JournalCompressOption.Name} goes with --journal.");
            }

            long segmentBytes = parse.GetValue(journalSegmentBytes) ?? JournalOptions.Default.SegmentBytes;
            if (parse.GetValue(journalSegmentBytes) is not null && parse.GetValue(journal) is null)
            {
                throw new UsageException("--journal-segment-bytes goes with --journal.");
            }

            if (segmentBytes < 65_536 || segmentBytes % 8 != 0 || segmentBytes > int.MaxValue)
            {
                throw new UsageException($"--journal-segment-bytes must be 65536 to {int.MaxValue} and a multiple of 8, got {segmentBytes}.");
            }

            string? secret = parse.GetValue(token);
            if (secret is not null && parse.GetValue(listen) is null)
            {
                throw new UsageException("--token goes with --listen.");
            }

            if (kafka.IsKafka(parse))
            {
                if (parse.GetValue(listen) is not null)
                {
                    throw new UsageException("--listen and --kafka are alternatives: ticks come over TCP or through Kafka.");
                }

                if (parse.GetValue(journal) is not null)
                {
                    throw new UsageException("--journal records the in-process demo; with --kafka the topic `ticks` is the record.");
                }

                if (parse.GetResult(dashboard) is not null)
                {
                    throw new UsageException("--dashboard serves the in-process demo; it does not run with --kafka.");
                }

                Kafka.KafkaDemoSpec kafkaSpec = kafka.ToSpec(parse, options);
                using var ctrlC = new CtrlC();
                return Kafka.KafkaDemo.RunAsync(kafkaSpec, Console.Out, Console.Error, ctrlC.Token).GetAwaiter().GetResult();
            }

            IPEndPoint? endpoint = null;
            if (parse.GetValue(listen) is { } address && !TcpEndPoints.TryParseListen(address, out endpoint))
            {
                throw new UsageException($"--listen must be IP:PORT, localhost:PORT or *:PORT, got '{address}'.");
            }

            if (secret is not null && (secret.Length == 0 || System.Text.Encoding.UTF8.GetByteCount(secret) > 256))
            {
                throw new UsageException("--token must be 1 to 256 UTF-8 bytes.");
            }

            RunSpec spec = options.ToValidSpec(parse, Console.Error, listen: endpoint) with { ListenToken = secret };
            if (parse.GetValue(journal) is { } journalFolder)
            {
                spec = spec with { Journal = CheckedJournalFolder(journalFolder.FullName), JournalCompressor = compressor, JournalSegmentBytes = segmentBytes };
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
        output.WriteLine($"  layout: {StageLayout.Describe(spec.StageThreads, spec.Topology)}, {spec.WaitStrategy} wait, {Environment.ProcessorCount} cores");
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

        if (run.Events == 0 && spec.Listen is not null)
        {
            // Nothing arrived: "0 of 0 verified" would be a pass that proved nothing.
            return RunGuard.NothingToVerify;
        }

        return run.Verification.IsClean ? 0 : 1;
    }
}

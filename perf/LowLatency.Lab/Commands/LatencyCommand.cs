using System.CommandLine;
using LowLatency.Engine.Pipelines;
using LowLatency.Lab.Bench;
using LowLatency.Lab.Demo;
using LowLatency.Lab.Latency;
using LowLatency.Lab.Reporting;

namespace LowLatency.Lab.Commands;

/// <summary>
/// <c>lowlatency latency</c>: drives a topology at a fixed offered rate and measures latency from each
/// event's intended send time (corrected for coordinated omission): percentile distribution, <c>.hgrm</c>,
/// and a PNG of the distribution and of p99 over time.
/// </summary>
internal static class LatencyCommand
{
    private const string Description =
        "Open-loop latency lab: drive a topology (OneHop, Pipeline3, Diamond, Window, Demo) at a fixed offered rate; " +
        "latency is measured from each event's intended send time (no coordinated omission). Prints the percentile " +
        "distribution and writes .hgrm, a PNG plot and optionally JSON.";

    internal static Command Create()
    {
        var options = new RunOptions(duration: 10, rate: 1_000_000, spinning: WaitStrategyKind.Yielding, topology: Topology.Pipeline3);
        var output = new Option<DirectoryInfo>("--out", "-o")
        {
            Description = "Directory for the .hgrm and .png files.",
            DefaultValueFactory = _ => new DirectoryInfo("lab-output"),
        };
        var command = new Command("latency", Description);
        options.AddTo(command);
        command.Options.Add(output);
        command.SetAction(parse =>
        {
            RunSpec spec = options.ToValidSpec(parse, Console.Error);
            string folder = OutputPaths.CheckFolder("--out", parse.GetValue(output)!.FullName);
            return Run(spec, new DirectoryInfo(folder), options.CheckedJsonPath(parse), Console.Out);
        });
        return command;
    }

    internal static int Run(RunSpec spec, DirectoryInfo outputDirectory, string? jsonPath, TextWriter output)
    {
        MachineInfo machine = MachineInfo.Current;
        string topology = spec.Topology.ToString().ToLowerInvariant();
        string rate = spec.Feed.Rate > 0 ? spec.Feed.Rate.ToString() : "max";
        string name = $"latency-{topology}-{rate}-{spec.WaitStrategy.ToString().ToLowerInvariant()}";
        // Before the first line: a Ctrl+C as soon as the run announces itself ends it early instead of killing it.
        using var ctrlC = new CtrlC();
        output.WriteLine($"LowLatency latency: {topology}, offered {(spec.Feed.Rate > 0 ? Units.Rate(spec.Feed.Rate) : "max speed")}, {spec.WaitStrategy} wait, {spec.Duration.TotalSeconds:F0} s");
        output.WriteLine($"  layout: {StageLayout.Describe(spec.StageThreads, spec.Topology)}, {Environment.ProcessorCount} cores");

        var progress = new ProgressLine(output, inPlace: ReferenceEquals(output, Console.Out) && ProgressLine.StdoutIsTerminal, spec.Duration.TotalSeconds);
        RunResult run = LabRun.Execute(spec, progress.Update, cancel: ctrlC.Token);
        progress.Complete();

        ConsoleReport.Print(output, $"Latency report: {topology}", run, machine);
        HistogramFiles.PrintDistribution(output, run.Latency);

        outputDirectory.Create();
        string hgrm = Path.Combine(outputDirectory.FullName, name + ".hgrm");
        string png = Path.Combine(outputDirectory.FullName, name + ".png");
        HistogramFiles.WriteHgrm(hgrm, run.Latency);
        Plots.Latency(png, $"{topology} @ {(spec.Feed.Rate > 0 ? Units.Rate(spec.Feed.Rate) : "max")}, {spec.WaitStrategy}, {machine.Cores} CPUs", run.Latency, run.Intervals);
        output.WriteLine($"  hgrm           {hgrm}");
        output.WriteLine($"  plot           {png}");
        if (jsonPath is not null)
        {
            ReportFiles.WriteJson(jsonPath, LabReport.From("latency", run, [hgrm, png]) with { Machine = machine });
            output.WriteLine($"  json           {jsonPath}");
        }

        return run.Verification.IsClean ? 0 : 1;
    }
}

using System.CommandLine;
using LowLatency.Engine.Pipelines;
using LowLatency.Lab.Bench;
using LowLatency.Lab.Demo;
using LowLatency.Lab.Reporting;

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
        var options = new RunOptions(duration: 10, rate: 1_000_000, wait: WaitStrategyKind.Hybrid);
        options.AddTo(command);
        command.SetAction(parse => options.ToValidSpec(parse) is { } spec
            ? RunGuard.Run(() => Run(spec, parse.GetValue(options.Json)?.FullName, Console.Out))
            : RunGuard.InvalidOptions);
    }

    internal static int Run(RunSpec spec, string? jsonPath, TextWriter output)
    {
        MachineInfo machine = MachineInfo.Current;
        output.WriteLine(Title);
        output.WriteLine(spec.Feed.Rate > 0
            ? $"  {spec.Duration.TotalSeconds:F0} s at {Units.Rate(spec.Feed.Rate)} offered (open loop), {spec.Feed.Symbols:N0} symbols, {spec.WaitStrategy} wait; Ctrl+C to stop"
            : $"  {spec.Duration.TotalSeconds:F0} s at max speed, {spec.Feed.Symbols:N0} symbols, {spec.WaitStrategy} wait; Ctrl+C to stop");

        var progress = new ProgressLine(output, inPlace: ReferenceEquals(output, Console.Out) && ProgressLine.StdoutIsTerminal, spec.Duration.TotalSeconds);
        using var ctrlC = new CtrlC();
        RunResult run = LabRun.Execute(spec, progress.Update, ctrlC.Token);
        progress.Complete();

        ConsoleReport.Print(output, "Report", run, machine);
        if (jsonPath is not null)
        {
            ReportFiles.WriteJson(jsonPath, LabReport.From("demo", run) with { Machine = machine });
            output.WriteLine($"  json           {jsonPath}");
        }

        return run.Verification.IsClean ? 0 : 1;
    }
}

using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using LowLatency.Engine.Journal;
using LowLatency.Lab.Journal;
using LowLatency.Lab.Reporting;

namespace LowLatency.Lab.Commands;

/// <summary><c>lowlatency replay DIR</c>: the demo pipeline fed from a journal; the output hash next to the recorded run's.</summary>
internal static class ReplayCommand
{
    internal static Command Create()
    {
        var command = new Command("replay",
            "Replays a journal written by `demo --journal DIR` through the same demo pipeline (max speed or paced) and prints the " +
            "output hash next to the recorded run's: equal for a whole-journal replay. Exit 0 equal (or a range), 1 different or corrupt.");
        Argument<DirectoryInfo> directory = JournalFolder.Create();
        var from = new Option<string?>("--from") { Description = "First event: a journal position (SEQ) or an event time (ISO 8601, UTC), e.g. 2026-01-01T00:00:05Z." };
        var to = new Option<string?>("--to") { Description = "Last event: a journal position (inclusive) or an event time (exclusive)." };
        var speed = new Option<string>("--speed") { Description = "max (as fast as the pipeline takes it), 1x (the recorded pace) or Nx (N times it).", DefaultValueFactory = _ => "max" };
        var json = new Option<FileInfo?>("--json") { Description = "Also write the replay report as JSON to this file." };
        command.Arguments.Add(directory);
        command.Options.Add(from);
        command.Options.Add(to);
        command.Options.Add(speed);
        command.Options.Add(json);
        command.SetAction(parse =>
        {
            string folder = JournalFolder.Existing(parse.GetValue(directory)!);

            DemoReplay.Bound start = ParseBound("--from", parse.GetValue(from));
            DemoReplay.Bound end = ParseBound("--to", parse.GetValue(to));
            double factor = ParseSpeed(parse.GetValue(speed)!);
            string? jsonPath = parse.GetValue(json) is { } file ? OutputPaths.CheckFile("--json", file.FullName) : null;
            return Run(folder, start, end, factor, jsonPath, Console.Out, Console.Error);
        });
        return command;
    }

    internal static int Run(string directory, DemoReplay.Bound from, DemoReplay.Bound to, double speed, string? jsonPath, TextWriter output, TextWriter error)
    {
        using var ctrlC = new CtrlC();
        output.WriteLine($"LowLatency replay: {directory} → validate/enrich → windows → risk check → sink, {(speed == 0 ? "max speed" : $"{speed.ToString(CultureInfo.InvariantCulture)}× the recorded pace")}");
        ReplayReport report;
        try
        {
            report = DemoReplay.Run(directory, from, to, speed, ctrlC.Token);
        }
        catch (IOException e) when (e is JournalSchemaException or JournalCorruptException)
        {
            error.WriteLine($"lowlatency: {e.Message}");
            return RunGuard.InvariantFailed;
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--from/--to: {e.Message}");
        }

        output.WriteLine($"  events         {report.Events:N0} (positions {report.FromPosition:N0} … {report.ToPosition:N0})");
        output.WriteLine($"  elapsed        {report.ElapsedSeconds:F3} s, {report.EventsPerSecond:N0} events/s");
        output.WriteLine($"  windows        {report.WindowsEmitted:N0} emitted, {report.Late:N0} late");
        output.WriteLine($"  output hash    {report.OutputHash} (replay)");
        output.WriteLine($"                 {report.RecordedOutputHash ?? "— (no recorded-run.json: the recording did not finish)"} (recorded)"
            + (report.Identical is { } same ? (same ? "  identical" : "  DIFFERENT") : report.Interrupted ? "  (interrupted: not comparable)" : "  (a range: not comparable)"));
        if (report.Interrupted)
        {
            output.WriteLine($"  interrupted    Ctrl+C after {report.ElapsedSeconds:F1} s: the figures cover what ran");
        }

        if (report.Damage is not null)
        {
            output.WriteLine($"  damage         {report.Damage}");
        }

        if (jsonPath is not null)
        {
            File.WriteAllText(jsonPath, JsonSerializer.Serialize(report, LabJsonContext.Default.ReplayReport));
            output.WriteLine($"  json           {jsonPath}");
        }

        return report.Identical == false ? RunGuard.InvariantFailed : RunGuard.Passed;
    }

    private static DemoReplay.Bound ParseBound(string option, string? value)
    {
        if (value is null)
        {
            return default;
        }

        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long position))
        {
            return new DemoReplay.Bound(position, null);
        }

        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset time))
        {
            return new DemoReplay.Bound(null, (time.UtcTicks - DateTime.UnixEpoch.Ticks) * 100);
        }

        throw new UsageException($"{option} must be a journal position (a non-negative integer) or an event time (ISO 8601), got '{value}'.");
    }

    private static double ParseSpeed(string value)
    {
        if (value.Equals("max", StringComparison.OrdinalIgnoreCase))
        {
            return 0;
        }

        if (value.EndsWith('x') && double.TryParse(value.AsSpan(0, value.Length - 1), NumberStyles.Float, CultureInfo.InvariantCulture, out double factor) && factor > 0 && double.IsFinite(factor))
        {
            return factor;
        }

        throw new UsageException($"--speed must be max, 1x or Nx with N > 0 (e.g. 10x, 0.5x), got '{value}'.");
    }
}

using System.CommandLine;
using System.Text.Json;
using LowLatency.Engine.Journal;
using LowLatency.Lab.Journal;
using LowLatency.Lab.Reporting;

namespace LowLatency.Lab.Commands;

/// <summary><c>lowlatency journal inspect DIR</c>: what a journal holds, and whether it is damaged.</summary>
internal static class JournalCommand
{
    internal static Command Create()
    {
        var command = new Command("journal", "Journals written by `demo --journal DIR` (or any engine journal): `journal inspect DIR`.");
        Argument<DirectoryInfo> directory = JournalFolder.Create();
        var json = new Option<FileInfo?>("--json") { Description = "Also write the inspection as JSON to this file." };
        var inspect = new Command("inspect", "Prints the segments (file, size, records, events, positions), totals, the durability policy and any damage " +
            "(a torn tail, truncated by the next writer; or corruption, named by segment and offset). Reads every record and checks every CRC. " +
            "Exit 0 clean or torn tail only, 1 corrupt.");
        inspect.Arguments.Add(directory);
        inspect.Options.Add(json);
        inspect.SetAction(parse =>
        {
            string folder = JournalFolder.Existing(parse.GetValue(directory)!);

            string? jsonPath = parse.GetValue(json) is { } file ? OutputPaths.CheckFile("--json", file.FullName) : null;
            JournalInspection inspection;
            try
            {
                inspection = JournalInspection.Read(folder);
            }
            catch (IOException e) when (e is JournalSchemaException or JournalCorruptException)
            {
                Console.Error.WriteLine($"lowlatency: {e.Message}");
                return RunGuard.InvariantFailed;
            }

            inspection.Print(Console.Out);
            if (jsonPath is not null)
            {
                File.WriteAllText(jsonPath, JsonSerializer.Serialize(inspection, LabJsonContext.Default.JournalInspection));
                Console.Out.WriteLine($"  json           {jsonPath}");
            }

            return inspection.Corrupt ? RunGuard.InvariantFailed : RunGuard.Passed;
        });
        command.Subcommands.Add(inspect);
        command.Subcommands.Add(AppendWorker());
        command.Subcommands.Add(TailWorker());
        command.Subcommands.Add(RecoveryWorker());
        return command;
    }

    /// <summary>Hidden: the writer the SIGKILL test kills (`journal append-worker DIR`).</summary>
    private static Command AppendWorker()
    {
        var directory = new Argument<DirectoryInfo>("DIR");
        var batch = new Option<int>("--batch") { DefaultValueFactory = _ => 64 };
        var segment = new Option<long>("--segment-bytes") { DefaultValueFactory = _ => 256 << 10 };
        Option<string?> compress = JournalCompressOption.Create();
        var command = new Command("append-worker", "Test worker: appends probe events, sync per batch, until killed.") { Hidden = true };
        command.Arguments.Add(directory);
        command.Options.Add(batch);
        command.Options.Add(segment);
        command.Options.Add(compress);
        command.SetAction(parse => JournalWorkers.Append(
            parse.GetValue(directory)!.FullName, parse.GetValue(batch), parse.GetValue(segment), JournalCompressOption.Parse(parse.GetValue(compress)), Console.Out));
        return command;
    }

    /// <summary>Hidden: the tailer in a second process (`journal tail-worker DIR --count N`).</summary>
    private static Command TailWorker()
    {
        var directory = new Argument<DirectoryInfo>("DIR");
        var count = new Option<long>("--count") { Required = true };
        var timeout = new Option<double>("--timeout") { DefaultValueFactory = _ => 60 };
        var command = new Command("tail-worker", "Test worker: follows a journal, checks every probe event in order.") { Hidden = true };
        command.Arguments.Add(directory);
        command.Options.Add(count);
        command.Options.Add(timeout);
        command.SetAction(parse => JournalWorkers.Tail(parse.GetValue(directory)!.FullName, parse.GetValue(count), TimeSpan.FromSeconds(parse.GetValue(timeout)), Console.Out));
        return command;
    }

    /// <summary>Hidden: the full pipeline the recovery test kills (`journal recovery-worker DIR --events N`).</summary>
    private static Command RecoveryWorker()
    {
        var directory = new Argument<DirectoryInfo>("DIR");
        var events = new Option<long>("--events") { Required = true };
        var snapshotEvery = new Option<long>("--snapshot-every") { DefaultValueFactory = _ => 50_176 };
        var progressEvery = new Option<long>("--progress-every") { DefaultValueFactory = _ => 10_240 };
        var command = new Command("recovery-worker", "Test worker: journal → window stage with snapshots; recovers from snapshot + journal on start.") { Hidden = true };
        command.Arguments.Add(directory);
        command.Options.Add(events);
        command.Options.Add(snapshotEvery);
        command.Options.Add(progressEvery);
        command.SetAction(parse => Journal.RecoveryWorker.Run(parse.GetValue(directory)!.FullName, parse.GetValue(events), parse.GetValue(snapshotEvery), parse.GetValue(progressEvery), Console.Out));
        return command;
    }
}

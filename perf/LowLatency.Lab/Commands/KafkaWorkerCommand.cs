using System.CommandLine;
using LowLatency.Testing.Kafka;

namespace LowLatency.Lab.Commands;

/// <summary>
/// <c>lowlatency kafka-worker</c> (hidden): the engine as a Kafka worker process, ticks → bars, committing at
/// least once. Tests start it as a child process and kill it with SIGKILL; it prints one line per second.
/// </summary>
internal static class KafkaWorkerCommand
{
    internal static Command Create()
    {
        var bootstrap = new Option<string>("--bootstrap") { Description = "Kafka bootstrap servers.", Required = true };
        var input = new Option<string>("--in") { Description = "Input topic of ticks.", DefaultValueFactory = _ => "ticks" };
        var output = new Option<string>("--out") { Description = "Output topic of bars.", DefaultValueFactory = _ => "bars" };
        var group = new Option<string>("--group") { Description = "Consumer group.", DefaultValueFactory = _ => "bars-worker" };
        var window = new Option<long>("--window") { Description = "Tumbling window size in event-time ticks.", DefaultValueFactory = _ => 1000 };
        var session = new Option<int>("--session-timeout-ms") { Description = "Group session timeout.", DefaultValueFactory = _ => 1500 };
        var exitWhenCaughtUp = new Option<int>("--exit-when-caught-up-ms")
        {
            Description = "Drain, commit and exit once every assigned partition has been at its end this long (0: run until killed).",
            DefaultValueFactory = _ => 0,
        };

        var command = new Command("kafka-worker", "Run the engine as a Kafka ticks→bars worker (used by the Kafka crash tests).")
        {
            bootstrap, input, output, group, window, session, exitWhenCaughtUp,
        };
        command.Hidden = true;
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(window) < 1)
            {
                throw new UsageException($"--window {parse.GetValue(window)} must be ≥ 1 (event-time ticks per window).");
            }

            if (parse.GetValue(session) < 100)
            {
                throw new UsageException($"--session-timeout-ms {parse.GetValue(session)} must be ≥ 100.");
            }

            foreach (Option<string> name in new[] { bootstrap, input, output, group })
            {
                if (string.IsNullOrWhiteSpace(parse.GetValue(name)))
                {
                    throw new UsageException($"{name.Name} must not be empty.");
                }
            }

            await using KafkaBarsWorker worker = KafkaBarsWorker.Start(
                parse.GetRequiredValue(bootstrap),
                parse.GetRequiredValue(input),
                parse.GetRequiredValue(output),
                parse.GetRequiredValue(group),
                parse.GetValue(window),
                sessionTimeout: TimeSpan.FromMilliseconds(parse.GetValue(session)));
            int quietMs = parse.GetValue(exitWhenCaughtUp);
            if (quietMs > 0)
            {
                await worker.WaitCaughtUpAsync(TimeSpan.FromMilliseconds(quietMs), cancellationToken, Console.WriteLine);
                await worker.StopAsync();
                Console.WriteLine($"stopped {worker}");
                return 0;
            }

            while (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(1000, CancellationToken.None);
                Console.WriteLine(worker.ToString());
            }

            await worker.StopAsync();
            return 0;
        });
        return command;
    }
}

using System.CommandLine;
using LowLatency.Adapters.Kafka;
using LowLatency.Testing;
using LowLatency.Testing.Kafka;

namespace LowLatency.Lab.Commands;

/// <summary>
/// <c>lowlatency kafka-worker</c> (hidden): the engine as a Kafka worker process, ticks → bars, at least once
/// or (<c>--exactly-once</c>) exactly once. Tests and <c>demo --kafka --workers N</c> start it as a child
/// process and kill it with SIGKILL (or make it kill itself at a protocol point, <c>--chaos-kill</c>); it
/// prints one line per second, and exits 3 with one line when its source or pipeline stops on its own.
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
        var keys = new Option<int>("--max-keys") { Description = "Instruments the bar stage keeps windows for (ticks of others are counted and skipped).", DefaultValueFactory = _ => 1024 };
        var session = new Option<int>("--session-timeout-ms") { Description = "Group session timeout.", DefaultValueFactory = _ => 1500 };
        var exitWhenCaughtUp = new Option<int>("--exit-when-caught-up-ms")
        {
            Description = "Drain, commit and exit once every assigned partition has been at its end this long (0: run until killed).",
            DefaultValueFactory = _ => 0,
        };
        var exactlyOnce = new Option<bool>("--exactly-once") { Description = "Commit bars, window state and input offsets in one transaction per commit interval." };
        var state = new Option<string?>("--state") { Description = "With --exactly-once: the state topic (as many partitions as the input); default <out>-state." };
        var transactionalId = new Option<string?>("--transactional-id") { Description = "With --exactly-once: the producer's transactional.id (stable per worker slot); default <group>-<pid>." };
        var commitInterval = new Option<int>("--commit-interval-ms") { Description = "With --exactly-once: commit interval.", DefaultValueFactory = _ => 100 };
        var chaosKill = new Option<string?>("--chaos-kill") { Description = $"With --exactly-once: SIGKILL itself at the n-th point:n ({ChaosPoint.Names})." };
        var chaosStop = new Option<string?>("--chaos-stop") { Description = "With --exactly-once: SIGSTOP itself at the n-th point:n (a zombie once resumed)." };

        var command = new Command("kafka-worker", "Run the engine as a Kafka ticks→bars worker (used by the Kafka crash tests and demo --kafka --workers).")
        {
            bootstrap, input, output, group, window, keys, session, exitWhenCaughtUp, exactlyOnce, state, transactionalId, commitInterval, chaosKill, chaosStop,
        };
        command.Hidden = true;
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(window) < 1)
            {
                throw new UsageException($"--window {parse.GetValue(window)} must be ≥ 1 (event-time ticks per window).");
            }

            if (parse.GetValue(keys) is < 1 or > 1_000_000)
            {
                throw new UsageException($"--max-keys {parse.GetValue(keys)} must be in [1, 1000000].");
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

            KafkaExactlyOnceOptions? exactly = null;
            KafkaBarsWorker? started = null;
            if (parse.GetValue(exactlyOnce))
            {
                exactly = ExactlyOnceOptions(parse, state, transactionalId, commitInterval, chaosKill, chaosStop, parse.GetRequiredValue(output), parse.GetRequiredValue(group),
                    () => Volatile.Read(ref started)?.ExactlyOnce?.Produced ?? 0);
            }
            else
            {
                foreach (Option option in new Option[] { state, transactionalId, chaosKill, chaosStop })
                {
                    if (parse.GetResult(option) is { Implicit: false })
                    {
                        throw new UsageException($"{option.Name} goes with --exactly-once.");
                    }
                }
            }

            await using KafkaBarsWorker worker = KafkaBarsWorker.Start(
                parse.GetRequiredValue(bootstrap),
                parse.GetRequiredValue(input),
                parse.GetRequiredValue(output),
                parse.GetRequiredValue(group),
                parse.GetValue(window),
                sessionTimeout: TimeSpan.FromMilliseconds(parse.GetValue(session)),
                maxKeys: parse.GetValue(keys),
                exactlyOnce: exactly);
            Volatile.Write(ref started, worker);
            int quietMs = parse.GetValue(exitWhenCaughtUp);
            if (quietMs > 0)
            {
                await worker.WaitCaughtUpAsync(TimeSpan.FromMilliseconds(quietMs), cancellationToken, Console.WriteLine);
                if (worker.Failure is { } failed)
                {
                    await Console.Error.WriteLineAsync($"lowlatency: {failed}");
                    return RunGuard.PipelineHalted;
                }

                return await StopAsync(worker, $"caught up {quietMs} ms") is { } stopFailure ? stopFailure : 0;
            }

            while (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(1000, CancellationToken.None);
                Console.WriteLine(worker.ToString());
                if (worker.Failure is { } failure)
                {
                    await Console.Error.WriteLineAsync($"lowlatency: {failure}");
                    return RunGuard.PipelineHalted;
                }
            }

            return await StopAsync(worker, "interrupted") ?? 0;
        });
        return command;
    }

    /// <summary>
    /// Stops the worker, saying first that it is stopping and why, so a stop that does not finish shows where the
    /// worker was; every step of the stop is bounded, and one that fails is one line and exit 3, not a stack trace.
    /// </summary>
    private static async Task<int?> StopAsync(KafkaBarsWorker worker, string why)
    {
        Console.WriteLine($"stopping ({why}): draining, flushing, committing, leaving the group: {worker}");
        try
        {
            await worker.StopAsync();
        }
        catch (Exception e) when (e is KafkaSourceException or KafkaSinkException or KafkaFencedException or OperationCanceledException or TimeoutException)
        {
            await Console.Error.WriteLineAsync($"lowlatency: the worker's stop failed: {e.Message}");
            return RunGuard.PipelineHalted;
        }

        Console.WriteLine($"stopped {worker}");
        return null;
    }

    private static KafkaExactlyOnceOptions ExactlyOnceOptions(ParseResult parse, Option<string?> state, Option<string?> transactionalId, Option<int> commitInterval, Option<string?> chaosKill, Option<string?> chaosStop, string output, string group, Func<long> outputs)
    {
        int intervalMs = parse.GetValue(commitInterval);
        if (intervalMs is < 1 or > 600_000)
        {
            throw new UsageException($"--commit-interval-ms {intervalMs} must be in [1, 600000].");
        }

        ChaosPoint? chaos = null;
        try
        {
            chaos = parse.GetValue(chaosKill) is { } kill ? ChaosPoint.Parse(kill, UnixSignal.Kill) with { Outputs = outputs }
                : parse.GetValue(chaosStop) is { } stop ? ChaosPoint.Parse(stop, UnixSignal.Stop) with { Outputs = outputs }
                : null;
        }
        catch (FormatException e)
        {
            throw new UsageException($"--chaos-kill/--chaos-stop: {e.Message}");
        }

        return KafkaExactlyOnceOptions.Default with
        {
            StateTopic = parse.GetValue(state) ?? output + "-state",
            TransactionalId = parse.GetValue(transactionalId) ?? $"{group}-{Environment.ProcessId}",
            CommitInterval = TimeSpan.FromMilliseconds(intervalMs),
            OnPoint = chaos is null ? null : chaos.OnPoint,
        };
    }
}

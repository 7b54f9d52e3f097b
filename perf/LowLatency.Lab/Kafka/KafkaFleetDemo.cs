using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using LowLatency.Lab.Commands;
using LowLatency.Lab.Reporting;
using LowLatency.Testing.Kafka;

namespace LowLatency.Lab.Kafka;

/// <summary>
/// <c>demo --kafka --workers N [--exactly-once] [--chaos]</c>: the engine in N <c>kafka-worker</c> processes of
/// one consumer group, fed like the in-process demo. With <c>--chaos</c> a seeded schedule SIGKILLs and
/// restarts workers during the run (<see cref="KafkaWorkerFleet"/>); otherwise a worker that dies is restarted.
/// After the feed, every worker is stopped with Ctrl+C, one last worker takes over whatever is left, and the
/// bars are checked: exactly once, through the state topic (<see cref="ExactlyOnceVerifier"/>: lost and
/// duplicated must be 0); at least once, lost must be 0.
/// </summary>
internal static partial class KafkaFleetDemo
{
    public static async Task<int> RunAsync(KafkaDemoSpec spec, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        string suffix = DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture);
        using KafkaMockCluster? cluster = spec.Bootstrap is null ? new KafkaMockCluster(brokers: 3) : null;
        string servers = spec.Bootstrap ?? cluster!.BootstrapServers;
        string ticks = cluster is null ? "ticks" : $"ticks-{suffix}";
        string bars = cluster is null ? "bars" : $"bars-{suffix}";
        string state = bars + "-state";
        string group = $"fleet-{suffix}";
        var clock = Stopwatch.StartNew();
        if (cluster is not null)
        {
            foreach (string topic in new[] { ticks, bars, state })
            {
                cluster.CreateTopic(topic, spec.Partitions);
            }

            output.WriteLine($"embedded Kafka mock cluster: bootstrap {servers} (topics {ticks}, {bars}{(spec.ExactlyOnce ? $", {state}" : "")})");
        }
        else if (KafkaDemo.CheckCluster(servers, spec.ExactlyOnce ? [ticks, bars, state] : [ticks, bars], spec.BrokerTimeout, cancellationToken) is { } unreachable)
        {
            error.WriteLine($"lowlatency: {unreachable}");
            return cancellationToken.IsCancellationRequested ? RunGuard.Passed : RunGuard.Unreachable;
        }

        List<string> arguments = ["--bootstrap", servers, "--in", ticks, "--out", bars, "--group", group, "--window", $"{spec.Window}", "--max-keys", $"{spec.Symbols}",
            "--session-timeout-ms", $"{(int)spec.SessionTimeout.TotalMilliseconds}"];
        if (spec.ExactlyOnce)
        {
            arguments.AddRange(["--exactly-once", "--state", state]);
        }

        output.WriteLine($"  {spec.Workers} worker processes, {(spec.ExactlyOnce ? "exactly once" : "at least once")}{(spec.Chaos ? $", chaos (seed {spec.Seed})" : "")}; " +
            $"{spec.Duration.TotalSeconds:0.#} s at {(spec.Rate > 0 ? $"{spec.Rate:N0}/s offered" : "max speed")}, {spec.Symbols:N0} symbols, {spec.Partitions} partitions; Ctrl+C to stop");

        using var fleet = new KafkaWorkerFleet(SelfLauncher.Start, arguments, group, spec.Workers);
        fleet.StartAll();
        var feed = new KafkaTickFeed(servers, ticks, spec.Partitions, spec.Symbols, spec.BrokerTimeout);
        string? failure;
        using (var chaosEnd = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        using (var progress = new Timer(_ => output.WriteLine($"  fed {feed.Fed:N0}  restarts {fleet.Starts - spec.Workers}  sigkills {fleet.SigKills}"), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)))
        {
            Task chaos = spec.Chaos
                ? fleet.RunChaosAsync((int)(spec.Seed % int.MaxValue), int.MaxValue, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(4), chaosEnd.Token)
                : SuperviseAsync(fleet, chaosEnd.Token);
            failure = await Task.Run(() => feed.Run(spec.Rate, spec.Duration, () => null, cancellationToken), CancellationToken.None).ConfigureAwait(false);
            await chaosEnd.CancelAsync().ConfigureAwait(false);
            try
            {
                await chaos.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        bool interrupted = cancellationToken.IsCancellationRequested;
        if (interrupted)
        {
            fleet.KillAll();
        }
        else
        {
            await fleet.InterruptAllAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            failure ??= await FinishAsync(arguments, group, spec.BrokerTimeout, fleet, cancellationToken).ConfigureAwait(false);
        }

        output.WriteLine($"fed {feed.Fed:N0} ticks ({feed.Rounds:N0} per symbol) in {clock.Elapsed.TotalSeconds:F1} s; workers started {fleet.Starts} (restarts {fleet.Starts - spec.Workers}), " +
            $"SIGKILLs {fleet.SigKills} (sent {fleet.Kills}, at points {(fleet.PointKills.Count == 0 ? "none" : string.Join(' ', fleet.PointKills.Select(p => $"{p.Key}={p.Value}")))}), failures {fleet.Failures}");
        foreach (string line in fleet.Log.Where(l => l.Contains("exited", StringComparison.Ordinal)).Take(5))
        {
            output.WriteLine($"  {line}");
        }

        (double commitMean, double commitMax) = CommitLatency(fleet.LastLines);
        BarVerifier? check = null;
        ExactlyOnceVerifier? exact = null;
        interrupted |= cancellationToken.IsCancellationRequested;
        if (failure is null && !interrupted)
        {
            if (spec.ExactlyOnce)
            {
                exact = ExactlyOnceVerifier.Verify(servers, bars, state, spec.Partitions, spec.Symbols, feed.Rounds, TimeSpan.FromSeconds(30));
                check = exact.Check;
                output.WriteLine($"bars (read through the state topic): {exact}");
                output.WriteLine($"  commit latency over the workers' last reports: mean {commitMean:F1} ms, max {commitMax:F1} ms");
            }
            else
            {
                check = BarVerifier.Verify(servers, bars, spec.Partitions, spec.Symbols, feed.Rounds, TimeSpan.FromSeconds(30));
                output.WriteLine($"bars: {check} (at least once: duplicates allowed)");
            }
        }
        else if (interrupted)
        {
            output.WriteLine("interrupted: bars not verified");
        }

        string? deleted = check is { Lost: > 0 } && cluster is not null ? KafkaDemo.DeletedBeforeRead(servers, ticks, spec.Partitions, spec.BrokerTimeout) : null;
        if (spec.JsonPath is not null)
        {
            ReportFiles.WriteJson(spec.JsonPath, KafkaDemoReport.Of(spec, servers, cluster is not null, clock.Elapsed, interrupted, feed.Fed, check, failure ?? deleted) with
            {
                Consumed = SumOf(fleet.LastLines, ConsumedPattern()), // every worker incarnation's, replays included
                Bars = exact?.Committed.Count ?? check?.Bars ?? 0,
                Workers = spec.Workers,
                ExactlyOnce = spec.ExactlyOnce,
                Chaos = spec.Chaos,
                Restarts = fleet.Starts - spec.Workers,
                SigKills = fleet.SigKills,
                WorkerFailures = fleet.Failures,
                Rebalances = exact is null ? 0 : Math.Max(0, exact.Claims - spec.Partitions),
                Uncommitted = exact?.Ignored ?? 0,
                CommitMeanMs = commitMean,
                CommitMaxMs = commitMax,
            });
            output.WriteLine($"  json           {spec.JsonPath}");
        }

        if ((failure ?? deleted) is { } reason)
        {
            error.WriteLine($"lowlatency: {reason}");
        }

        if (spec.Hold && cluster is not null && failure is null && !interrupted)
        {
            output.WriteLine($"holding the embedded cluster at {servers} until Ctrl+C");
            await KafkaDemo.HoldAsync(cancellationToken).ConfigureAwait(false);
        }

        bool passed = check is not null && check.Lost == 0 && check.Inconsistent == 0 && (!spec.ExactlyOnce || check.Duplicates == 0);
        return failure is not null ? RunGuard.Unreachable
            : check is null ? (interrupted ? RunGuard.Passed : RunGuard.InvariantFailed)
            : passed ? RunGuard.Passed : RunGuard.InvariantFailed;
    }

    /// <summary>Without chaos: a worker that stops on its own is restarted, once a second.</summary>
    private static async Task SuperviseAsync(KafkaWorkerFleet fleet, CancellationToken cancellationToken)
    {
        var random = new Random(1);
        while (!cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(1000, cancellationToken).ConfigureAwait(false);
            fleet.ReapAndRestart(random);
        }
    }

    /// <summary>One last worker takes every partition over, processes what is left and stops; null, or why it failed.</summary>
    private static async Task<string?> FinishAsync(List<string> arguments, string group, TimeSpan brokerTimeout, KafkaWorkerFleet fleet, CancellationToken cancellationToken)
    {
        using LabWorkerProcess last = SelfLauncher.Start(["kafka-worker", .. arguments, "--exit-when-caught-up-ms", "1000", .. (arguments.Contains("--exactly-once") ? new[] { "--transactional-id", $"{group}-last" } : [])]);
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(brokerTimeout + TimeSpan.FromSeconds(60));
        try
        {
            int exit = await last.WaitForExitAsync(bound.Token).ConfigureAwait(false);
            fleet.LastLines.Add(last.LastLine);
            return exit == 0 ? null : $"the last worker failed (exit {exit}): {last.LastLine}";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"the last worker did not catch up within {(brokerTimeout + TimeSpan.FromSeconds(60)).TotalSeconds:0} s: {last.LastLine}";
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    private static (double Mean, double Max) CommitLatency(IEnumerable<string> lastLines)
    {
        double sum = 0;
        double max = 0;
        int count = 0;
        foreach (string line in lastLines)
        {
            Match match = CommitPattern().Match(line);
            if (match.Success && double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) > 0)
            {
                sum += double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
                max = Math.Max(max, double.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
                count++;
            }
        }

        return (count == 0 ? 0 : sum / count, max);
    }

    private static long SumOf(IEnumerable<string> lines, Regex pattern) =>
        lines.Select(line => pattern.Match(line)).Where(m => m.Success).Sum(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));

    [GeneratedRegex(@"consumed=([0-9]+)")]
    private static partial Regex ConsumedPattern();

    [GeneratedRegex(@"commitMeanMs=([0-9.]+) commitMaxMs=([0-9.]+)")]
    private static partial Regex CommitPattern();
}

using System.CommandLine;
using LowLatency.Adapters.Kafka;
using LowLatency.Lab.Commands;

namespace LowLatency.Lab.Kafka;

/// <summary><c>demo</c>'s Kafka options (with <c>--kafka</c>), checked into a <see cref="KafkaDemoSpec"/> before any work.</summary>
internal sealed class KafkaDemoOptions
{
    /// <summary>
    /// The offered rate on the embedded cluster when --rate is not given. librdkafka's mock keeps 5 MiB per partition
    /// and shares the cores with the feed and the workers: at the in-process demo's 1 M ticks/s on two vCPUs the worker
    /// falls further behind than that and the mock deletes ticks it has not read; three exactly-once workers under
    /// --chaos, each restart seconds without a reader, did so at 200 k, and at 50 k over 20 s on a busy box
    /// (2026-12-06). 20 k is what the chaos test runs.
    /// </summary>
    public const long EmbeddedDefaultRate = 20_000;

    /// <summary>
    /// The symbols on the embedded cluster when --symbols is not given: 20 k ticks/s over 100 symbols is 200 rounds a
    /// second, the event-time pace of the in-process demo's defaults (1 M over 5,000), so 1 s windows close as often.
    /// </summary>
    public const int EmbeddedDefaultSymbols = 100;

    public Option<bool> Kafka { get; } = new("--kafka")
    {
        Description = "Run the demo through Kafka instead: feed → topic `ticks` → engine (1 s windows) → topic `bars`, verified. " +
            "Uses an embedded librdkafka mock cluster (its bootstrap address is printed) unless --bootstrap is given. " +
            $"Honours --duration, --rate and --symbols (defaults {EmbeddedDefaultRate:N0}/s and {EmbeddedDefaultSymbols} on the embedded cluster) and --json.",
    };

    public Option<string?> Bootstrap { get; } = new("--bootstrap")
    {
        Description = "With --kafka: HOST:PORT[,HOST:PORT…] of a real cluster whose `ticks` and `bars` topics the demo may use.",
    };

    public Option<bool> Hold { get; } = new("--hold")
    {
        Description = "With --kafka: keep the embedded cluster up after the run until Ctrl+C, so outside clients (kcat) can attach.",
    };

    public Option<double> SessionTimeout { get; } = new("--session-timeout")
    {
        Description = "With --kafka: consumer group session timeout in seconds (a real broker refuses less than its group.min.session.timeout.ms, 6 s by default).",
        DefaultValueFactory = _ => 6,
    };

    public Option<double> BrokerTimeout { get; } = new("--broker-timeout")
    {
        Description = "With --kafka: seconds to wait, at most, on an unreachable cluster or a missing topic before stopping with one line (exit 4).",
        DefaultValueFactory = _ => 30,
    };

    public Option<int> Workers { get; } = new("--workers")
    {
        Description = "With --kafka: run the engine in N worker processes (`lowlatency kafka-worker`) in one consumer group; a rebalance moves partitions between them. 0: in this process.",
        DefaultValueFactory = _ => 0,
    };

    public Option<bool> ExactlyOnce { get; } = new("--exactly-once")
    {
        Description = "With --kafka --workers N: exactly once (bars, window state and input offsets in one transaction per 100 ms epoch); read back through the state topic, duplicated must be 0.",
    };

    public Option<bool> Chaos { get; } = new("--chaos")
    {
        Description = "With --kafka --workers N: SIGKILL and restart workers at seeded times (--seed) and protocol points (restore, between produce and commit, rebalance) during the run.",
    };

    /// <summary>The options that mean something only with <c>--kafka</c>.</summary>
    private IEnumerable<Option> KafkaOnly => [Bootstrap, Hold, SessionTimeout, BrokerTimeout, Workers, ExactlyOnce, Chaos];

    public void AddTo(Command command)
    {
        command.Options.Add(Kafka);
        foreach (Option option in KafkaOnly)
        {
            command.Options.Add(option);
        }
    }

    /// <summary>True when <c>--kafka</c> was given; Kafka-only options without it are a usage error.</summary>
    public bool IsKafka(ParseResult parse)
    {
        if (parse.GetValue(Kafka))
        {
            return true;
        }

        foreach (Option option in KafkaOnly)
        {
            if (parse.GetResult(option) is { Implicit: false })
            {
                throw new UsageException($"{option.Name} goes with --kafka.");
            }
        }

        return false;
    }

    /// <summary>The option's value when the command line gives it, else <paramref name="fallback"/> (the shared default is the in-process demo's).</summary>
    private static TValue ExplicitOr<TValue>(ParseResult parse, Option<TValue> option, TValue fallback) =>
        parse.GetResult(option) is { Implicit: false } ? parse.GetValue(option)! : fallback;

    /// <summary>The checked spec; throws <see cref="UsageException"/> naming the first bad option.</summary>
    public KafkaDemoSpec ToSpec(ParseResult parse, RunOptions run)
    {
        double duration = parse.GetValue(run.Duration);
        string? bootstrap = parse.GetValue(Bootstrap);
        long rate = bootstrap is null ? ExplicitOr(parse, run.Rate, EmbeddedDefaultRate) : parse.GetValue(run.Rate);
        int symbols = bootstrap is null ? ExplicitOr(parse, run.Symbols, EmbeddedDefaultSymbols) : parse.GetValue(run.Symbols);
        double session = parse.GetValue(SessionTimeout);
        double broker = parse.GetValue(BrokerTimeout);
        Check(duration is > 0 and <= 86_400, "--duration", duration, "must be in (0, 86400] seconds.");
        Check(rate >= 0, "--rate", rate, "must be ≥ 0 (0 = max speed).");
        Check(symbols is >= 1 and <= 1_000_000, "--symbols", symbols, "must be in [1, 1000000].");
        Check(session is >= 0.1 and <= 3_600, "--session-timeout", session, "must be in [0.1, 3600] seconds.");
        Check(broker is >= 0.1 and <= 3_600, "--broker-timeout", broker, "must be in [0.1, 3600] seconds.");
        int workers = parse.GetValue(Workers);
        Check(workers is >= 0 and <= 16, "--workers", workers, "must be in [0, 16] (0: the engine runs in this process).");
        if (workers == 0 && (parse.GetValue(ExactlyOnce) || parse.GetValue(Chaos)))
        {
            throw new UsageException($"{(parse.GetValue(ExactlyOnce) ? "--exactly-once" : "--chaos")} runs the engine in worker processes: give --workers N (N ≥ 1).");
        }

        if (bootstrap is not null)
        {
            try
            {
                (KafkaSourceOptions.Default with { BootstrapServers = bootstrap, Topics = ["ticks"] }).Validate();
            }
            catch (ArgumentException e)
            {
                throw new UsageException($"--bootstrap: {e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal)}");
            }

            if (parse.GetValue(Hold))
            {
                throw new UsageException("--hold keeps the embedded cluster up: it does not go with --bootstrap.");
            }
        }

        return new KafkaDemoSpec
        {
            Bootstrap = bootstrap,
            Duration = TimeSpan.FromSeconds(duration),
            Rate = rate,
            Symbols = symbols,
            SessionTimeout = TimeSpan.FromSeconds(session),
            BrokerTimeout = TimeSpan.FromSeconds(broker),
            Hold = parse.GetValue(Hold),
            Workers = workers,
            ExactlyOnce = parse.GetValue(ExactlyOnce),
            Chaos = parse.GetValue(Chaos),
            Seed = parse.GetValue(run.Seed),
            JsonPath = run.CheckedJsonPath(parse),
        };
    }

    private static void Check(bool valid, string option, object value, string rule)
    {
        if (!valid)
        {
            throw new UsageException($"{option} {value} {rule}");
        }
    }
}

using System.CommandLine;
using LowLatency.Engine.Pipelines;
using LowLatency.Lab.Demo;
using LowLatency.Lab.Feed;
using LowLatency.Lab.Latency;

namespace LowLatency.Lab.Commands;

/// <summary>
/// The options the run commands share, with per-command defaults. One instance per command: an option
/// object belongs to one command.
/// </summary>
internal sealed class RunOptions
{
    public RunOptions(double duration, long rate, WaitStrategyKind wait, Topology? topology = null, double? warmup = null, double interval = 1)
    {
        Duration = new Option<double>("--duration", "-d")
        {
            Description = "Run time in seconds, warm-up included.",
            DefaultValueFactory = _ => duration,
        };
        Rate = new Option<long>("--rate", "-r")
        {
            Description = "Offered events per second, paced open loop; 0 = max speed (closed loop).",
            DefaultValueFactory = _ => rate,
        };
        Symbols = new Option<int>("--symbols", "-s")
        {
            Description = "Distinct symbols (keys), activity Zipf-skewed.",
            DefaultValueFactory = _ => FeedSettings.Default.Symbols,
        };
        Json = new Option<FileInfo?>("--json")
        {
            Description = "Write the JSON report (stable field names, see README) to this path.",
        };
        WaitStrategy = new Option<WaitStrategyKind>("--wait-strategy", "-w")
        {
            Description = "How stages idle: Yielding, Hybrid, Blocking, Sleeping, BusySpin (BusySpin needs a core per stage).",
            DefaultValueFactory = _ => wait,
        };
        Warmup = new Option<double?>("--warmup")
        {
            Description = warmup is null
                ? "Seconds at the start excluded from the figures and fits (default: half the run, at most 60 s: JIT tier-up of methods called about once a second goes on for about a minute and shows as RSS growth)."
                : "Seconds at the start excluded from latency, throughput and GC figures.",
            DefaultValueFactory = _ => warmup,
        };
        Interval = new Option<double>("--interval")
        {
            Description = "Seconds between samples (progress, per-interval latency).",
            DefaultValueFactory = _ => interval,
        };
        Seed = new Option<ulong>("--seed")
        {
            Description = "Seed of the synthetic feed.",
            DefaultValueFactory = _ => FeedSettings.Default.Seed,
        };
        Capacity = new Option<int>("--capacity")
        {
            Description = "Ring slots (power of two).",
            DefaultValueFactory = _ => new RunSpec().Capacity,
        };
        if (topology is { } t)
        {
            Topology = new Option<Topology>("--topology", "-t")
            {
                Description = "Stage graph: OneHop, Pipeline3, Diamond, Window, Demo.",
                DefaultValueFactory = _ => t,
            };
        }
    }

    public Option<double> Duration { get; }

    public Option<long> Rate { get; }

    public Option<int> Symbols { get; }

    public Option<FileInfo?> Json { get; }

    public Option<WaitStrategyKind> WaitStrategy { get; }

    public Option<double?> Warmup { get; }

    public Option<double> Interval { get; }

    public Option<ulong> Seed { get; }

    public Option<int> Capacity { get; }

    public Option<Topology>? Topology { get; }

    public void AddTo(Command command)
    {
        command.Options.Add(Duration);
        command.Options.Add(Rate);
        command.Options.Add(Symbols);
        command.Options.Add(WaitStrategy);
        if (Topology is not null)
        {
            command.Options.Add(Topology);
        }

        command.Options.Add(Warmup);
        command.Options.Add(Interval);
        command.Options.Add(Seed);
        command.Options.Add(Capacity);
        command.Options.Add(Json);
    }

    public RunSpec ToSpec(ParseResult parse, bool sampleProcess = false)
    {
        double duration = parse.GetValue(Duration);
        double warmup = parse.GetValue(Warmup) ?? Math.Min(duration / 2, 60);
        return new RunSpec
        {
            Feed = FeedSettings.Default with
            {
                Rate = parse.GetValue(Rate),
                Symbols = parse.GetValue(Symbols),
                Seed = parse.GetValue(Seed),
            },
            Topology = Topology is null ? Latency.Topology.Demo : parse.GetValue(Topology),
            Duration = TimeSpan.FromSeconds(duration),
            Warmup = TimeSpan.FromSeconds(warmup),
            Interval = TimeSpan.FromSeconds(parse.GetValue(Interval)),
            WaitStrategy = parse.GetValue(WaitStrategy),
            Capacity = parse.GetValue(Capacity),
            SampleProcess = sampleProcess,
        };
    }
}

using System.CommandLine;
using System.Net;
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
    /// <summary>Options with this command's defaults; <paramref name="spinning"/> is the wait strategy when every thread of the run has a core (else Blocking, see <see cref="WaitDefaults"/>).</summary>
    public RunOptions(double duration, long rate, WaitStrategyKind spinning, Topology? topology = null, double warmupCap = 2, double warmupShare = 0.2, double interval = 1)
    {
        _spinning = spinning;
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
        WaitStrategy = new Option<WaitStrategyKind?>("--wait-strategy", "-w")
        {
            Description = "How stages idle: Yielding, Hybrid, Blocking, Sleeping, BusySpin, Backoff (spinning needs a core per thread). " +
                $"Default: {spinning} when every thread has a core (a group of stages is one thread), else Blocking.",
        };
        _warmupCap = warmupCap;
        _warmupShare = warmupShare;
        Warmup = new Option<double?>("--warmup")
        {
            Description = $"Seconds at the start excluded from the figures and fits. Default: {warmupShare * 100:F0} % of the run, at most {warmupCap} s." +
                (warmupCap > 10 ? " JIT tier-up of methods called about once a second goes on for about a minute and shows as RSS growth." : ""),
        };
        Interval = new Option<double>("--interval")
        {
            Description = "Seconds between samples (progress, per-interval latency).",
            DefaultValueFactory = _ => interval,
        };
        DropWhenFull = new Option<bool>("--drop-when-full")
        {
            Description = "Lossy feed: when the ring is full, drop the batch due and count it (dropped) instead of waiting. Default: lossless.",
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
        Layout = new Option<string>("--layout")
        {
            Description = $"Stages on threads: {StageLayout.Auto} (a thread per stage when the box has a core for each and the feed, else grouped on the cores but the feed's), {StageLayout.Grouped} (on --threads threads, default 1), {StageLayout.PerStage}.",
            DefaultValueFactory = _ => StageLayout.Auto,
        };
        Threads = new Option<int?>("--threads")
        {
            Description = "Threads the stages may use (consecutive stages share one); implies grouping.",
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

    private readonly WaitStrategyKind _spinning;
    private readonly double _warmupCap;
    private readonly double _warmupShare;

    public Option<double> Duration { get; }

    public Option<long> Rate { get; }

    public Option<int> Symbols { get; }

    public Option<FileInfo?> Json { get; }

    public Option<WaitStrategyKind?> WaitStrategy { get; }

    public Option<double?> Warmup { get; }

    public Option<double> Interval { get; }

    public Option<ulong> Seed { get; }

    public Option<bool> DropWhenFull { get; }

    public Option<int> Capacity { get; }

    public Option<Topology>? Topology { get; }

    public Option<string> Layout { get; }

    public Option<int?> Threads { get; }

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

        command.Options.Add(Layout);
        command.Options.Add(Threads);
        command.Options.Add(Warmup);
        command.Options.Add(Interval);
        command.Options.Add(DropWhenFull);
        command.Options.Add(Seed);
        command.Options.Add(Capacity);
        command.Options.Add(Json);
    }

    /// <summary>
    /// The spec the options describe, validated; throws <see cref="UsageException"/> naming the option. Notes
    /// a spinning strategy chosen on too few cores on <paramref name="notes"/>.
    /// </summary>
    public RunSpec ToValidSpec(ParseResult parse, TextWriter notes, bool sampleProcess = false, IPEndPoint? listen = null)
    {
        RunSpec spec = ToSpec(parse, sampleProcess) with { Listen = listen };
        try
        {
            spec.Validate();
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }

        if (parse.GetValue(WaitStrategy) is { } chosen && WaitDefaults.Note(chosen, spec.Topology, spec.StageThreads) is { } note)
        {
            notes.WriteLine($"lowlatency: {note}");
        }

        return spec;
    }

    /// <summary>The <c>--json</c> path checked for writing (its folder created if only that is missing), or null.</summary>
    public string? CheckedJsonPath(ParseResult parse) =>
        parse.GetValue(Json) is { } file ? OutputPaths.CheckFile("--json", file.FullName) : null;

    public RunSpec ToSpec(ParseResult parse, bool sampleProcess = false)
    {
        double duration = parse.GetValue(Duration);
        double warmup = parse.GetValue(Warmup) ?? Math.Min(duration * _warmupShare, _warmupCap);
        Topology topology = Topology is null ? Latency.Topology.Demo : parse.GetValue(Topology);
        int stageThreads = StageLayout.StageThreads(parse.GetValue(Layout) ?? StageLayout.Auto, parse.GetValue(Threads), topology);
        return new RunSpec
        {
            Feed = FeedSettings.Default with
            {
                Rate = parse.GetValue(Rate),
                Symbols = parse.GetValue(Symbols),
                Seed = parse.GetValue(Seed),
                DropWhenFull = parse.GetValue(DropWhenFull),
            },
            Topology = topology,
            Duration = TimeSpan.FromSeconds(duration),
            Warmup = TimeSpan.FromSeconds(warmup),
            Interval = TimeSpan.FromSeconds(parse.GetValue(Interval)),
            WaitStrategy = parse.GetValue(WaitStrategy) ?? WaitDefaults.For(_spinning, topology, stageThreads),
            StageThreads = stageThreads,
            Capacity = parse.GetValue(Capacity),
            SampleProcess = sampleProcess,
        };
    }
}

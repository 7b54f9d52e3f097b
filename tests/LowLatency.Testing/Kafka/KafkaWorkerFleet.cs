using System.Diagnostics;

namespace LowLatency.Testing.Kafka;

/// <summary>
/// N <c>lowlatency kafka-worker --exactly-once</c> processes in one group, one per slot (a slot keeps its
/// <c>transactional.id</c> across restarts), and a seeded chaos schedule: at random gaps a slot's worker is
/// killed with SIGKILL and restarted, two restarts in three armed to SIGKILL themselves at a protocol point
/// (<see cref="ChaosPoint"/>; the points taken in turn, so restore, between produce and commit, and
/// rebalance are all hit). An armed worker is left alone (up to a bound) until its point fires; one that ends
/// otherwise (e.g. fenced after its session expired) is restarted armed the same way.
/// </summary>
/// <remarks>Driven by one caller at a time; counters are read by others after it returns.</remarks>
public sealed class KafkaWorkerFleet : IDisposable
{
    private static readonly string[] s_points = ["restoring:1", "state-written:1", "revoking:1", "outputs-flushed:2", "claimed:1", "state-written:3", "committed:1", "revoking:2"];
    private static readonly TimeSpan s_armedBound = TimeSpan.FromSeconds(15);

    private readonly Func<IReadOnlyList<string>, LabWorkerProcess> _launch;
    private readonly IReadOnlyList<string> _arguments;
    private readonly string _group;
    private readonly LabWorkerProcess?[] _workers;
    private readonly string?[] _armed;
    private readonly long[] _startedAt;
    private readonly List<string> _log = [];
    private int _armings;

    /// <param name="launch">Starts <c>lowlatency</c> with the given arguments (the command first).</param>
    /// <param name="arguments">The <c>kafka-worker</c> arguments shared by every slot (bootstrap, topics, group, <c>--exactly-once</c>).</param>
    /// <param name="group">The group, to name each slot's transactional id.</param>
    /// <param name="workers">Slots.</param>
    public KafkaWorkerFleet(Func<IReadOnlyList<string>, LabWorkerProcess> launch, IReadOnlyList<string> arguments, string group, int workers)
    {
        _launch = launch;
        _arguments = arguments;
        _group = group;
        _workers = new LabWorkerProcess?[workers];
        _armed = new string?[workers];
        _startedAt = new long[workers];
    }

    /// <summary>Workers started, first starts included.</summary>
    public int Starts { get; private set; }

    /// <summary>SIGKILLs sent by the schedule.</summary>
    public int Kills { get; private set; }

    /// <summary>Workers that SIGKILLed themselves at their armed point, by point.</summary>
    public Dictionary<string, int> PointKills { get; } = [];

    /// <summary>Workers that exited on their own otherwise (e.g. fenced: exit 3 with one line).</summary>
    public int Failures { get; private set; }

    /// <summary>Every SIGKILL: sent, or self-inflicted at a point.</summary>
    public int SigKills => Kills + PointKills.Values.Sum();

    /// <summary>What happened, one line per event.</summary>
    public IReadOnlyList<string> Log => _log;

    /// <summary>The last line each ended worker printed (its counters), in the order they ended.</summary>
    public List<string> LastLines { get; } = [];

    /// <summary>Starts every slot's worker, unarmed.</summary>
    public void StartAll()
    {
        for (int slot = 0; slot < _workers.Length; slot++)
        {
            Start(slot, armed: null);
        }
    }

    /// <summary>Runs the schedule until at least <paramref name="sigKills"/> SIGKILLs have happened; gaps in [<paramref name="minGap"/>, <paramref name="maxGap"/>).</summary>
    public async Task RunChaosAsync(int seed, int sigKills, TimeSpan minGap, TimeSpan maxGap, CancellationToken cancellationToken)
    {
        var random = new Random(seed);
        while (SigKills < sigKills)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(random.Next((int)minGap.TotalMilliseconds, (int)maxGap.TotalMilliseconds)), cancellationToken).ConfigureAwait(false);
            ReapAndRestart(random);
            int slot = random.Next(_workers.Length);
            if (_armed[slot] is not null && Stopwatch.GetElapsedTime(_startedAt[slot]) < s_armedBound)
            {
                continue;
            }

            _workers[slot]!.Kill();
            Kills++;
            _log.Add($"SIGKILL slot {slot} ({_workers[slot]!.LastLine})");
            End(slot);
            Start(slot, NextArming(random));
        }
    }

    /// <summary>Restarts slots whose worker ended on its own (armed point fired, or failed), unarmed.</summary>
    public void ReapAndRestart(Random random)
    {
        for (int slot = 0; slot < _workers.Length; slot++)
        {
            LabWorkerProcess worker = _workers[slot]!;
            if (!worker.HasExited)
            {
                continue;
            }

            string? rearm;
            if (worker.ExitCode == LabWorkerProcess.KilledExitCode && _armed[slot] is { } point)
            {
                PointKills[point] = PointKills.GetValueOrDefault(point) + 1;
                _log.Add($"slot {slot} killed itself at {point}");
                rearm = NextArming(random);
            }
            else
            {
                Failures++;
                _log.Add($"slot {slot} exited {worker.ExitCode}: {worker.LastLine}");
                rearm = _armed[slot] ?? NextArming(random);
            }

            End(slot);
            Start(slot, rearm);
        }
    }

    /// <summary>Ctrl+C to every worker (each commits and leaves the group); those still running after <paramref name="bound"/> get SIGKILL.</summary>
    public async Task InterruptAllAsync(TimeSpan bound)
    {
        foreach (LabWorkerProcess? worker in _workers)
        {
            if (worker is { HasExited: false })
            {
                worker.Interrupt();
            }
        }

        using var timeout = new CancellationTokenSource(bound);
        for (int slot = 0; slot < _workers.Length; slot++)
        {
            if (_workers[slot] is { } worker)
            {
                try
                {
                    await worker.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    _log.Add($"slot {slot} still running {bound.TotalSeconds:0} s after Ctrl+C: SIGKILL");
                }

                End(slot);
            }
        }
    }

    /// <summary>SIGKILLs every worker (not counted: the schedule is over).</summary>
    public void KillAll()
    {
        for (int slot = 0; slot < _workers.Length; slot++)
        {
            End(slot);
        }
    }

    public void Dispose() => KillAll();

    private void End(int slot)
    {
        if (_workers[slot] is { } worker)
        {
            worker.Dispose();
            LastLines.Add(worker.LastLine);
            _workers[slot] = null;
        }
    }

    private string? NextArming(Random random) => random.Next(3) != 0 ? s_points[_armings++ % s_points.Length] : null;

    private void Start(int slot, string? armed)
    {
        // A stable transactional id per slot (exactly once only: the worker refuses it otherwise).
        List<string> arguments = ["kafka-worker", .. _arguments, .. (_arguments.Contains("--exactly-once") ? new[] { "--transactional-id", $"{_group}-slot{slot}" } : [])];
        if (armed is not null)
        {
            arguments.AddRange(["--chaos-kill", armed]);
        }

        _workers[slot] = _launch(arguments);
        _armed[slot] = armed;
        _startedAt[slot] = Stopwatch.GetTimestamp();
        Starts++;
    }

    /// <summary>For help texts and reports: the points the schedule arms, in turn.</summary>
    public static IReadOnlyList<string> ArmedPoints => s_points;
}

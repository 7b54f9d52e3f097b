using LowLatency.Engine.Pipelines;
using LowLatency.Engine.Processing;
using Microsoft.Extensions.Logging;

namespace LowLatency.Engine.Diagnostics;

/// <summary>
/// Reports a stage whose sequence does not advance while it has work (a hung handler, a deadlock, a
/// stage starved of CPU) for longer than a threshold: a callback with the stage named, and the
/// <c>lowlatency.stage.stalled</c> metric.
/// </summary>
/// <remarks>
/// It looks every check interval, from a timer of the configured <see cref="TimeProvider"/>, at each
/// running stage: its sequence, and the sequence available to it (producer cursor or upstream stages). A
/// stage that is idle (nothing available) is never stalled. The stall clock starts at the first look that
/// finds the stage with work at a given sequence, so a stall is never reported early and at most one
/// interval late. A stall is reported once; the stage is healthy again as soon as its sequence moves.
/// </remarks>
public sealed class StallWatchdog : IDisposable
{
    private readonly string _pipeline;
    private readonly IReadOnlyList<EventProcessor> _stages;
    private readonly TimeSpan _threshold;
    private readonly TimeProvider _time;
    private readonly Action<StallReport>? _onStall;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly ITimer _timer;

    // Guarded by _lock (the timer thread and explicit Check callers).
    private readonly long[] _lastSequence;
    private readonly long[] _since;
    private readonly bool[] _watching;
    private readonly bool[] _stalled;
    private readonly long[] _stalls;

    internal StallWatchdog(string pipeline, IReadOnlyList<EventProcessor> stages, TimeSpan threshold, TimeSpan interval, TimeProvider time, Action<StallReport>? onStall, ILogger logger)
    {
        _pipeline = pipeline;
        _stages = stages;
        _threshold = threshold;
        _time = time;
        _onStall = onStall;
        _logger = logger;
        _lastSequence = new long[stages.Count];
        _since = new long[stages.Count];
        _watching = new bool[stages.Count];
        _stalled = new bool[stages.Count];
        _stalls = new long[stages.Count];
        _timer = time.CreateTimer(static state => ((StallWatchdog)state!).Check(), this, interval, interval);
    }

    /// <summary>Stalls reported so far, every stage together.</summary>
    public long Stalls
    {
        get
        {
            lock (_lock)
            {
                long total = 0;
                foreach (long s in _stalls)
                {
                    total += s;
                }

                return total;
            }
        }
    }

    /// <summary>True while stage <paramref name="index"/> (in <c>Pipeline.Stages</c> order) is stalled.</summary>
    public bool IsStalled(int index)
    {
        lock (_lock)
        {
            return _stalled[index];
        }
    }

    /// <summary>Stalls reported for stage <paramref name="index"/>.</summary>
    public long StallsOf(int index)
    {
        lock (_lock)
        {
            return _stalls[index];
        }
    }

    /// <summary>Looks at every stage now (the timer calls this; hosts and tests may too).</summary>
    public void Check()
    {
        // Allocated only when a stage stalls; callbacks run outside the lock.
        List<StallReport>? reports = null;
        lock (_lock)
        {
            long now = _time.GetTimestamp();
            for (int i = 0; i < _stages.Count; i++)
            {
                EventProcessor stage = _stages[i];
                long sequence = stage.Sequence.ValueAcquire;
                long available = stage.Barrier.AvailableSequence;
                if (available <= sequence || !stage.IsRunning)
                {
                    // Idle or not running: never stalled.
                    _watching[i] = false;
                    _stalled[i] = false;
                    continue;
                }

                if (!_watching[i] || sequence != _lastSequence[i])
                {
                    // First look at this position with work: the stall clock starts now, so a stall is
                    // never reported early (and at most one interval late).
                    _watching[i] = true;
                    _lastSequence[i] = sequence;
                    _since[i] = now;
                    _stalled[i] = false;
                    continue;
                }

                TimeSpan stuck = _time.GetElapsedTime(_since[i], now);
                if (!_stalled[i] && stuck >= _threshold)
                {
                    _stalled[i] = true;
                    _stalls[i]++;
                    (reports ??= []).Add(new StallReport(_pipeline, stage.Name, sequence, available - sequence, stuck));
                }
            }
        }

        if (reports is not null)
        {
            foreach (StallReport report in reports)
            {
                EngineLog.Stalled(_logger, report.Pipeline, report.Stage, report.StalledFor, report.Sequence, report.Pending);
                _onStall?.Invoke(report);
            }
        }
    }

    /// <summary>Stops watching.</summary>
    public void Dispose() => _timer.Dispose();
}

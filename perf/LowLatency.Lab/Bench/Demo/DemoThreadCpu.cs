using LowLatency.Lab.Demo;
using LowLatency.Lab.Measurement;

namespace LowLatency.Lab.Bench.Demo;

/// <summary>
/// Where a demo run's CPU goes, per steady-state event: the time on a core (Linux schedstat) of the feed thread, the
/// stage threads and the journal's pretouch thread, from the monitor's sample that ends the warm-up to its last one.
/// On two cores the three share the same two: a journaled demo's throughput falls by what the journal adds to their sum.
/// Fed by the run's monitor (<see cref="LabRun.Execute"/>'s observer), which may allocate; nothing where there is no
/// <c>/proc</c>.
/// </summary>
internal sealed class DemoThreadCpu(string pipelineName)
{
    private readonly (string Figure, string NamePrefix)[] _threads =
    [
        ("feedCpuNsPerEvent", "lab/feed"),
        ("stagesCpuNsPerEvent", pipelineName + "/"),
        ("pretouchCpuNsPerEvent", "journal-pretouc"), // a thread's name is cut to 15 bytes in /proc
    ];

    // Monitor thread only: each group's schedstat files, found at the first sample (every thread of a run exists by then, and
    // looking them up reads every thread's name: too much to allocate at each sample); then (events processed, ns on a core
    // per group, null where the group has no thread) at the warm-up's end and now.
    private List<string>[]? _paths;
    private (long Processed, long?[] RunNs)? _start;
    private (long Processed, long?[] RunNs)? _end;

    public void Observe(IntervalSample sample)
    {
        var now = (sample.Processed, Read());
        if (sample.Warmup || _start is null)
        {
            _start = now;
        }

        _end = now;
    }

    /// <summary>Adds each thread group's ns per steady event to <paramref name="figures"/> (groups with no thread are left out).</summary>
    public void AddFigures(Dictionary<string, double> figures)
    {
        if (_start is not { } start || _end is not { } end || end.Processed <= start.Processed)
        {
            return;
        }

        for (int i = 0; i < _threads.Length; i++)
        {
            if (start.RunNs[i] is { } from && end.RunNs[i] is { } to)
            {
                figures[_threads[i].Figure] = (to - from) / (double)(end.Processed - start.Processed);
            }
        }
    }

    private long?[] Read()
    {
        _paths ??= Array.ConvertAll(_threads, thread => ThreadSchedule.FindThreads(thread.NamePrefix));
        var runNs = new long?[_threads.Length];
        for (int i = 0; i < _threads.Length; i++)
        {
            foreach (string path in _paths[i])
            {
                if (ThreadSchedule.Read(path) is { } schedule)
                {
                    runNs[i] = (runNs[i] ?? 0) + schedule.RunNs;
                }
            }
        }

        return runNs;
    }
}

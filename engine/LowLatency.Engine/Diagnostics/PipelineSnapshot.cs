using LowLatency.Engine.Flow;

namespace LowLatency.Engine.Diagnostics;

/// <summary>
/// A pipeline's counters at one instant, filled in place by <see cref="PipelineMetrics.Capture"/>: create
/// it once (<see cref="PipelineMetrics.CreateSnapshot"/>) and capture into it as often as needed without
/// allocating (new arrays only when the number of sources changes).
/// </summary>
public sealed class PipelineSnapshot
{
    private StageSnapshot[] _stages;
    private SourceSnapshot[] _sources = [];
    private int _sourceCount;
    private FreshnessSnapshot[] _freshness = [];

    internal PipelineSnapshot(string pipeline, int stages)
    {
        Pipeline = pipeline;
        _stages = new StageSnapshot[stages];
    }

    /// <summary>The pipeline's name.</summary>
    public string Pipeline { get; }

    /// <summary>Watermark and event-time lag of every stage registered with <see cref="PipelineMetrics.AddWatermark"/>.</summary>
    public ReadOnlySpan<FreshnessSnapshot> Freshness => _freshness;

    /// <summary>Events published (producer cursor + 1; with several producers, claimed).</summary>
    public long Published { get; internal set; }

    /// <summary>Ring slots.</summary>
    public long Capacity { get; internal set; }

    /// <summary>Slots claimed and not yet released by every terminal stage.</summary>
    public long Occupancy { get; internal set; }

    /// <summary>The highest sequence every terminal stage has finished with.</summary>
    public long CompletedSequence { get; internal set; }

    /// <summary>Time producers spent blocked in <c>Next</c> plus time every source spent back-pressured.</summary>
    public TimeSpan BackPressuredTime { get; internal set; }

    /// <summary>Every stage, in <c>Pipeline.Stages</c> order.</summary>
    public ReadOnlySpan<StageSnapshot> Stages => _stages;

    /// <summary>Every source publishing into the ring.</summary>
    public ReadOnlySpan<SourceSnapshot> Sources => _sources.AsSpan(0, _sourceCount);

    /// <summary>Events not accepted for <paramref name="reason"/>, every source together.</summary>
    public long GetDropped(DropReason reason)
    {
        long total = 0;
        foreach (SourceSnapshot source in Sources)
        {
            total += source.GetDropped(reason);
        }

        return total;
    }

    /// <summary>Events not accepted, every source and reason together.</summary>
    public long TotalDropped
    {
        get
        {
            long total = 0;
            foreach (SourceSnapshot source in Sources)
            {
                total += source.TotalDropped;
            }

            return total;
        }
    }

    internal Span<StageSnapshot> StagesToFill => _stages;

    internal Span<SourceSnapshot> SourcesToFill(int count)
    {
        if (_sources.Length < count)
        {
            _sources = new SourceSnapshot[count];
        }

        _sourceCount = count;
        return _sources.AsSpan(0, count);
    }

    internal Span<FreshnessSnapshot> FreshnessToFill(int count)
    {
        if (_freshness.Length != count)
        {
            _freshness = new FreshnessSnapshot[count];
        }

        return _freshness;
    }
}

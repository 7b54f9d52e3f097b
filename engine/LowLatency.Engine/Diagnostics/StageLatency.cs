using System.Diagnostics;
using System.Runtime.CompilerServices;
using HdrHistogram;
using LowLatency.Engine.Processing;
using LowLatency.Engine.Sequencing;

namespace LowLatency.Engine.Diagnostics;

/// <summary>
/// Publish-to-stage latency of one stage: at the end of each batch the stage records, for every sampled
/// sequence in the batch, the time since its publication into an HdrHistogram <see cref="Recorder"/>.
/// </summary>
/// <remarks>
/// The stage thread is the only writer; the recorder's writer/reader phaser lets a host thread take
/// interval histograms concurrently without torn counts. Recording is allocation-free; one clock read per
/// batch that holds a sampled sequence.
/// </remarks>
internal sealed class StageLatency : BatchSampler
{
    private readonly LatencyStamps _stamps;

    private readonly long _mask;
    private readonly Recorder _recorder;
    private readonly long _highest;
    private readonly Lock _lock = new();

    // Guarded by _lock (readers: snapshots and meter callbacks).
    private HistogramBase? _interval;
    private readonly HistogramBase _cumulative;

    public StageLatency(LatencyStamps stamps, long highestTicks)
        : base(stamps.Interval)
    {
        _stamps = stamps;
        _mask = stamps.Mask;
        _highest = highestTicks;
        _recorder = new Recorder(1, highestTicks, 3, static (id, low, high, digits) => new LongHistogram(id, low, high, digits));
        _cumulative = new LongHistogram(1, highestTicks, 3);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private protected override void Record(long first, long last)
    {
        long now = Stopwatch.GetTimestamp();
        for (long k = (first + _mask) & ~_mask; k <= last; k += _mask + 1)
        {
            long latency = Math.Clamp(now - _stamps.Read(k), 0, _highest);
            _recorder.RecordValue(latency);
        }
    }

    /// <summary>Folds what was recorded since the last call into the cumulative histogram and summarises it.</summary>
    public LatencySummary Capture()
    {
        lock (_lock)
        {
            _interval = _interval is null ? _recorder.GetIntervalHistogram() : _recorder.GetIntervalHistogram(_interval);
            _cumulative.Add(_interval);
            return LatencySummary.From(_cumulative);
        }
    }

    /// <summary>Forgets everything recorded so far (a host measuring intervals).</summary>
    public void Reset()
    {
        lock (_lock)
        {
            _interval = _interval is null ? _recorder.GetIntervalHistogram() : _recorder.GetIntervalHistogram(_interval);
            _cumulative.Reset();
        }
    }
}

using HdrHistogram;

namespace LowLatency.Lab.Measurement;

/// <summary>
/// End-to-end latency in nanoseconds: one recording thread writes into an HdrHistogram
/// <see cref="Recorder"/> (wait-free, no allocation); a monitor thread takes interval histograms from it
/// and folds them into the run's total.
/// </summary>
internal sealed class LatencyRecorder
{
    /// <summary>Largest latency tracked: one minute. Larger values are clamped (and show as the max).</summary>
    public const long HighestTrackableNs = 60_000_000_000;

    private const int SignificantDigits = 3;

    private readonly Recorder _recorder = new(1, HighestTrackableNs, SignificantDigits, static (id, low, high, digits) => new LongHistogram(id, low, high, digits));

    // Monitor thread only.
    private HistogramBase? _interval;
    private readonly LongHistogram _total = new(1, HighestTrackableNs, SignificantDigits);

    public LatencyRecorder()
    {
        // Reset writes every count slot: the pages of these large arrays are faulted in now, not the
        // first time a latency lands in a new range mid-run (which a soak would read as RSS growth).
        // The recorder rotates two histograms (the one recording, the one handed to us), so take one now
        // and clear both.
        _interval = _recorder.GetIntervalHistogram();
        _interval.Reset();
        _recorder.Reset();
        _total.Reset();
    }

    /// <summary>Records one latency. Recording thread only.</summary>
    public void Record(long nanoseconds) => _recorder.RecordValue(Math.Clamp(nanoseconds, 1, HighestTrackableNs));

    /// <summary>Everything recorded since the last <see cref="ResetTotal"/>, as of the last <see cref="SampleInterval"/>.</summary>
    public HistogramBase Total => _total;

    /// <summary>
    /// Takes what was recorded since the previous call and adds it to <see cref="Total"/>. The returned
    /// histogram is reused by the next call. Monitor thread only.
    /// </summary>
    public HistogramBase SampleInterval()
    {
        _interval = _recorder.GetIntervalHistogram(_interval);
        _total.Add(_interval);
        return _interval;
    }

    /// <summary>Starts the total afresh (end of warm-up); call right after <see cref="SampleInterval"/>.</summary>
    public void ResetTotal() => _total.Reset();
}

using System.Diagnostics;
using HdrHistogram;

namespace LowLatency.Lab.Bench.WebSockets;

/// <summary>Emission-to-receive latency recorded by many client threads at once (HdrHistogram's lock-free recorder).</summary>
internal sealed class FanOutLatency
{
    private readonly Recorder _recorder = new(1, 60_000_000_000, 3, static (id, low, high, digits) => new LongHistogram(id, low, high, digits));
    private long _delivered;

    public long Delivered => Volatile.Read(ref _delivered);

    /// <summary>One update received, emitted at <paramref name="emittedTicks"/> (Stopwatch ticks).</summary>
    public void OnReceived(long emittedTicks, long now)
    {
        long ns = (long)((now - emittedTicks) * (1e9 / Stopwatch.Frequency));
        _recorder.RecordValue(Math.Clamp(ns, 1, 60_000_000_000));
        Interlocked.Increment(ref _delivered);
    }

    /// <summary>p50 and p99 since the last call, µs.</summary>
    public (double P50Us, double P99Us) TakeInterval()
    {
        HistogramBase interval = _recorder.GetIntervalHistogram();
        return interval.TotalCount == 0 ? (0, 0) : (interval.GetValueAtPercentile(50) / 1e3, interval.GetValueAtPercentile(99) / 1e3);
    }
}

using System.Diagnostics;
using LowLatency.Engine.Processing;
using LowLatency.Lab.Feed;
using LowLatency.Lab.Measurement;
using LowLatency.Lab.Verification;

namespace LowLatency.Lab.Demo;

/// <summary>
/// The last stage: records end-to-end latency from each tick's intended send time, and hands every tick
/// to the verifier (source, symbol, per-symbol sequence, checksum).
/// </summary>
internal struct SinkHandler(DemoCounters counters, LatencyRecorder latency, StreamVerifier verifier) : IEventHandler<DemoTick>, IBatchAware
{
    private static readonly double s_nsPerTick = 1e9 / Stopwatch.Frequency;

    private long _processed;
    private OutputHash _hash = OutputHash.Empty;

    public void OnBatchStart(long firstSequence, long count)
    {
    }

    public void OnEvent(ref DemoTick data, long sequence, bool endOfBatch)
    {
        // The clock is read per event here on purpose: this is the measuring instrument, not the engine.
        long now = Stopwatch.GetTimestamp();
        latency.Record((long)((now - data.IntendedSendTimestamp) * s_nsPerTick));
        verifier.Observe(data.Source, data.Symbol, data.SymbolSequence, TickChecksum.Compute(data) == data.Checksum);
        _hash.Add(in data);
        _processed++;
    }

    public void OnBatchEnd(long lastSequence)
    {
        Volatile.Write(ref counters.OutputHash, (long)_hash.Value);
        Volatile.Write(ref counters.Processed, _processed);
    }
}

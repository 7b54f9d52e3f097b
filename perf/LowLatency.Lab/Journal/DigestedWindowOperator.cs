using LowLatency.Engine.Time;
using LowLatency.Engine.Windowing;
using LowLatency.Lab.Bench.Window;

namespace LowLatency.Lab.Journal;

using VwapOperator = TimeWindowOperator<WindowTrade, long, VwapAccumulator, VwapFunction, DigestSink>;

/// <summary>
/// The recovery worker's window operator: a 10 ms tumbling VWAP over the window-bench trades whose snapshot
/// holds its output digest as well, so a restore resumes the output exactly where the snapshot's barrier was
/// (what a sink that commits with the snapshot does), and the digest at the end of a recovered run can be
/// compared with an uninterrupted run's.
/// </summary>
internal sealed class DigestedWindowOperator : IWindowOperator<WindowTrade>
{
    private readonly VwapOperator _inner;

    public DigestedWindowOperator()
    {
        Digest = new WindowOutputDigest();
        _inner = new VwapOperator(
            WindowOptions.Tumbling(WindowBenchStream.Second / 100) with
            {
                Watermark = new WatermarkOptions { OutOfOrderness = WindowBenchStream.OutOfOrderness },
                Capacity = 3 * WindowBenchStream.Keys,
                KeyCapacity = 12 * WindowBenchStream.Keys / 10,
            },
            default,
            new DigestSink(Digest));
    }

    public WindowOutputDigest Digest { get; }

    public long Watermark => _inner.Watermark;

    public WindowCounters Counters => _inner.Counters;

    public void OnEvent(ref WindowTrade e) => _inner.OnEvent(ref e);

    public void OnEvent(ref WindowTrade e, int input) => _inner.OnEvent(ref e, input);

    public void OnEvent(ref WindowTrade e, int input, long sequence) => _inner.OnEvent(ref e, input, sequence);

    public void OnBatch(Span<WindowTrade> batch, int input, long firstSequence) => _inner.OnBatch(batch, input, firstSequence);

    public void OnBatch(Span<WindowTrade> batch, int input) => _inner.OnBatch(batch, input);

    public void OnWatermark(long watermark, int input = 0) => _inner.OnWatermark(watermark, input);

    public void MarkIdle(int input) => _inner.MarkIdle(input);

    public void OnProcessingTime(long now) => _inner.OnProcessingTime(now);

    public void Drain() => _inner.Drain();

    public void WriteSnapshot(Stream destination)
    {
        using (var writer = new BinaryWriter(destination, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            Digest.Write(writer);
        }

        _inner.WriteSnapshot(destination);
    }

    public void RestoreSnapshot(Stream source)
    {
        using (var reader = new BinaryReader(source, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            Digest.Read(reader);
        }

        _inner.RestoreSnapshot(source);
    }
}

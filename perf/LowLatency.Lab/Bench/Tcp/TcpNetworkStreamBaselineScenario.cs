using System.Net.Sockets;
using LowLatency.Lab.Bench.Engine;
using LowLatency.Lab.Tcp;

namespace LowLatency.Lab.Bench.Tcp;

/// <summary>
/// Baseline: the same feed read by the loop a .NET developer writes by hand — a <see cref="NetworkStream"/>
/// read into a 64 KiB buffer, frames cut out of it, each tick decoded with the same codec into a local and
/// its quantity summed. No ring, no other thread, no limits or dedup.
/// </summary>
internal sealed class TcpNetworkStreamBaselineScenario : IBenchScenario
{
    public string Name => "tcp-networkstream-baseline";

    public string Group => "tcp";

    public string Description => $"plain NetworkStream read loop over the same loopback feed (batches of {TcpBenchFeed.EventsPerFrame}, decode + sum inline)";

    public BenchResult Run(BenchContext context)
    {
        int segments = TcpBenchFeed.SegmentsFor(context.Events);
        var sink = new InlineSumSink();
        BenchResult result = NetworkStreamReadLoop.Run(Name, segments, ref sink);
        BenchWait.Check(sink.Sum, TcpBenchFeed.Get(lz4: false).QuantityFor(segments), Name);
        return result;
    }

    /// <summary>Decodes each tick into a local and adds its quantity: nothing leaves the receive thread.</summary>
    private struct InlineSumSink : ITickBatchSink
    {
        public long Sum;

        public void OnTicks(ReadOnlySpan<byte> ticks, int count)
        {
            var codec = default(MarketTickCodec);
            MarketTick tick = default;
            long sum = Sum;
            for (int i = 0; i < count; i++)
            {
                codec.Decode(ticks.Slice(i * 32, 32), ref tick);
                sum += tick.Quantity;
            }

            Sum = sum;
        }

        public readonly void OnCompleted()
        {
        }
    }
}

using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using LowLatency.Adapters.Sockets;
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
        TcpBenchFeed feed = TcpBenchFeed.Get(lz4: false);
        int segments = TcpBenchFeed.SegmentsFor(context.Events);
        long n = (long)segments * TcpBenchFeed.EventsPerSegment;
        using var listener = new Socket(SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(16);
        var endpoint = (IPEndPoint)listener.LocalEndPoint!;
        long sum = 0;
        long events = 0;
        var receiver = new Thread(() =>
        {
            byte[] buffer = new byte[64 * 1024];
            for (int s = 0; s < segments; s++)
            {
                using Socket socket = listener.Accept();
                using var stream = new NetworkStream(socket, ownsSocket: false);
                (long segmentSum, long segmentEvents) = ReadConnection(stream, buffer);
                sum += segmentSum;
                events += segmentEvents;
                socket.Shutdown(SocketShutdown.Both);
            }
        })
        { IsBackground = true, Name = "baseline-receive" };

        var measurement = BenchMeasurement.Start();
        receiver.Start();
        feed.Send(endpoint, segments, 1);
        receiver.Join();
        BenchResult result = measurement.Stop(n);
        Engine.BenchWait.Check(events, n, Name);
        Engine.BenchWait.Check(sum, feed.QuantityPerSegment * segments, Name);
        return result;
    }

    private static (long Sum, long Events) ReadConnection(NetworkStream stream, byte[] buffer)
    {
        var codec = default(MarketTickCodec);
        MarketTick tick = default;
        long sum = 0;
        long events = 0;
        int filled = 0;
        while (true)
        {
            int read = stream.Read(buffer, filled, buffer.Length - filled);
            if (read == 0)
            {
                return (sum, events);
            }

            filled += read;
            int offset = 0;
            while (filled - offset >= WireFormat.HeaderSize)
            {
                int payload = BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(offset + 8));
                if (filled - offset < WireFormat.HeaderSize + payload)
                {
                    break;
                }

                byte type = buffer[offset + 3];
                if (type == (byte)FrameType.Close)
                {
                    return (sum, events);
                }

                if (type == (byte)FrameType.Batch)
                {
                    ReadOnlySpan<byte> body = buffer.AsSpan(offset + WireFormat.HeaderSize, payload);
                    int count = BinaryPrimitives.ReadInt32LittleEndian(body[8..]);
                    ReadOnlySpan<byte> ticks = body[WireFormat.BatchHeaderSize..];
                    for (int i = 0; i < count; i++)
                    {
                        codec.Decode(ticks.Slice(i * 32, 32), ref tick);
                        sum += tick.Quantity;
                    }

                    events += count;
                }

                offset += WireFormat.HeaderSize + payload;
            }

            // Keep the partial frame at the front (frames are smaller than the buffer).
            buffer.AsSpan(offset, filled - offset).CopyTo(buffer);
            filled -= offset;
        }
    }
}

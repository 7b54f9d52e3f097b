using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using LowLatency.Adapters.Sockets;
using LowLatency.Lab.Bench.Engine;

namespace LowLatency.Lab.Bench.Tcp;

/// <summary>
/// The hand-written receiver shared by the baseline and the hand-off control: accept, read a 64 KiB buffer,
/// cut batch frames out of it, hand each frame's ticks to the sink; one thread, one connection per segment.
/// </summary>
internal static class NetworkStreamReadLoop
{
    /// <summary>Receives <paramref name="segments"/> replays into <paramref name="sink"/>; throws if a tick went missing.</summary>
    public static BenchResult Run<TSink>(string scenario, int segments, ref TSink sink)
        where TSink : struct, ITickBatchSink
    {
        TcpBenchFeed feed = TcpBenchFeed.Get(lz4: false);
        long n = (long)segments * TcpBenchFeed.EventsPerSegment;
        using var listener = new Socket(SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(16);
        var endpoint = (IPEndPoint)listener.LocalEndPoint!;
        long events = 0;
        TSink local = sink;
        var receiver = new Thread(() =>
        {
            byte[] buffer = new byte[64 * 1024];
            for (int s = 0; s < segments; s++)
            {
                using Socket socket = listener.Accept();
                using var stream = new NetworkStream(socket, ownsSocket: false);
                events += ReadConnection(stream, buffer, ref local);
                socket.Shutdown(SocketShutdown.Both);
            }

            local.OnCompleted();
        })
        { IsBackground = true, Name = "baseline-receive" };

        var measurement = BenchMeasurement.Start();
        receiver.Start();
        feed.Send(endpoint, segments, 1);
        receiver.Join();
        BenchResult result = measurement.Stop(n);
        sink = local;
        BenchWait.Check(events, n, scenario);
        return result;
    }

    private static long ReadConnection<TSink>(NetworkStream stream, byte[] buffer, ref TSink sink)
        where TSink : struct, ITickBatchSink
    {
        long events = 0;
        int filled = 0;
        while (true)
        {
            int read = stream.Read(buffer, filled, buffer.Length - filled);
            if (read == 0)
            {
                return events;
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
                    return events;
                }

                if (type == (byte)FrameType.Batch)
                {
                    ReadOnlySpan<byte> body = buffer.AsSpan(offset + WireFormat.HeaderSize, payload);
                    int count = BinaryPrimitives.ReadInt32LittleEndian(body[8..]);
                    sink.OnTicks(body[WireFormat.BatchHeaderSize..], count);
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

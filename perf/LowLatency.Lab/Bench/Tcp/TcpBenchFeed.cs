using System.Net;
using System.Net.Sockets;
using K4os.Compression.LZ4;
using LowLatency.Adapters.Sockets;
using LowLatency.Lab.Tcp;

namespace LowLatency.Lab.Bench.Tcp;

/// <summary>
/// The sender side shared by the TCP scenarios: a segment of pre-encoded batch frames (1024 ticks each,
/// optionally LZ4) replayed over loopback with blocking sends, one session per replay (sequences restart at
/// 0, so the source's dedup accepts every replay). The sender costs the same for every receiver compared.
/// </summary>
internal sealed class TcpBenchFeed
{
    public const int EventsPerFrame = 1024;
    public const int FramesPerSegment = 1024;
    public const int EventsPerSegment = EventsPerFrame * FramesPerSegment;

    private static readonly Dictionary<bool, TcpBenchFeed> s_cache = [];
    private readonly byte[] _segment;

    private TcpBenchFeed(bool lz4)
    {
        var codec = default(MarketTickCodec);
        var ticks = new SyntheticTicks();
        using var stream = new MemoryStream();
        byte[] plain = new byte[WireFormat.BatchOverhead + (EventsPerFrame * codec.EventSize)];
        byte[] frame = new byte[WireFormat.HeaderSize + LZ4Codec.MaximumOutputSize(plain.Length)];
        long quantity = 0;
        for (int f = 0; f < FramesPerSegment; f++)
        {
            WireFormat.WriteBatchHeader(plain, (long)f * EventsPerFrame, EventsPerFrame, codec.EventSize);
            for (int i = 0; i < EventsPerFrame; i++)
            {
                MarketTick tick = ticks.Next(((long)f * EventsPerFrame) + i);
                quantity += tick.Quantity;
                codec.Encode(in tick, plain.AsSpan(WireFormat.BatchHeaderSize + (i * codec.EventSize)));
            }

            WireFormat.SealBatch(plain);

            int length;
            if (lz4)
            {
                length = LZ4Codec.Encode(plain, frame.AsSpan(WireFormat.HeaderSize));
                WireFormat.WriteHeader(frame, FrameType.Batch, FrameFlags.Lz4, length, plain.Length);
            }
            else
            {
                length = plain.Length;
                plain.CopyTo(frame, WireFormat.HeaderSize);
                WireFormat.WriteHeader(frame, FrameType.Batch, FrameFlags.None, length, length);
            }

            stream.Write(frame, 0, WireFormat.HeaderSize + length);
        }

        _segment = stream.ToArray();
        QuantityPerSegment = quantity;
        SegmentBytes = _segment.Length;
    }

    public long QuantityPerSegment { get; }

    /// <summary>What a receiver of <paramref name="segments"/> replays must add up, quantity by quantity.</summary>
    public long QuantityFor(int segments) => QuantityPerSegment * segments;

    public int SegmentBytes { get; }

    public static TcpBenchFeed Get(bool lz4)
    {
        lock (s_cache)
        {
            if (!s_cache.TryGetValue(lz4, out TcpBenchFeed? feed))
            {
                feed = new TcpBenchFeed(lz4);
                s_cache[lz4] = feed;
            }

            return feed;
        }
    }

    /// <summary>Whole segments covering at least <paramref name="events"/>.</summary>
    public static int SegmentsFor(long events) => (int)Math.Max(1, (events + EventsPerSegment - 1) / EventsPerSegment);

    /// <summary>Sends <paramref name="segments"/> replays, each on its own connection and session, and waits for each close.</summary>
    public void Send(IPEndPoint endpoint, int segments, ulong firstSession)
    {
        byte[] hello = new byte[WireFormat.HeaderSize + WireFormat.HelloFixedSize];
        byte[] close = new byte[WireFormat.HeaderSize + WireFormat.CloseSize];
        byte[] drain = new byte[4096];
        WireFormat.WriteClose(close, DisconnectReason.Normal);
        for (int s = 0; s < segments; s++)
        {
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            socket.Connect(endpoint);
            WireFormat.WriteHello(hello, firstSession + (ulong)s, MarketTickCodec.SchemaId, 32, SessionRole.Publisher, default);
            socket.Send(hello);
            socket.Send(_segment);
            socket.Send(close);

            // Read until the receiver closes: closing with unread acks would reset the connection.
            socket.Shutdown(SocketShutdown.Send);
            while (socket.Receive(drain) > 0)
            {
            }
        }
    }
}

using System.Buffers.Binary;
using LowLatency.Adapters.Sockets;
using LowLatency.Engine.Pipelines;
using LowLatency.Engine.Processing;

namespace TradeFeed;

public struct Trade
{
    public long Timestamp;
    public long Price;
    public int Quantity;
    public int InstrumentId;
}

// 24 bytes on the wire, little-endian. The codec is a struct: the JIT inlines it into the receive loop.
public readonly struct TradeCodec : IEventCodec<Trade>
{
    public const uint Schema = 0x54524431; // "TRD1": the only thing on the wire that names the layout

    public int EventSize => 24;

    public void Encode(in Trade value, Span<byte> destination)
    {
        BinaryPrimitives.WriteInt64LittleEndian(destination, value.Timestamp);
        BinaryPrimitives.WriteInt64LittleEndian(destination[8..], value.Price);
        BinaryPrimitives.WriteInt32LittleEndian(destination[16..], value.Quantity);
        BinaryPrimitives.WriteInt32LittleEndian(destination[20..], value.InstrumentId);
    }

    public void Decode(ReadOnlySpan<byte> source, ref Trade destination)
    {
        destination.Timestamp = BinaryPrimitives.ReadInt64LittleEndian(source);
        destination.Price = BinaryPrimitives.ReadInt64LittleEndian(source[8..]);
        destination.Quantity = BinaryPrimitives.ReadInt32LittleEndian(source[16..]);
        destination.InstrumentId = BinaryPrimitives.ReadInt32LittleEndian(source[20..]);
    }
}

public sealed class Volume
{
    public long Total;
}

public readonly struct VolumeHandler(Volume volume) : IEventHandler<Trade>
{
    public void OnEvent(ref Trade data, long sequence, bool endOfBatch) => volume.Total += data.Quantity;
}

public static class TradeFeedExample
{
    public static async Task<long> RunAsync(CancellationToken cancellationToken = default)
    {
        // Engine side: a pipeline whose ring the TCP source decodes into, and a sink streaming it onwards.
        var volume = new Volume();
        await using var pipeline = Pipeline<Trade>.Create(PipelineOptions.Default with { ProducerType = ProducerType.Multi });
        await using var sink = new TcpSink<Trade, TradeCodec>(default, TcpSinkOptions.Default with { SchemaId = TradeCodec.Schema });
        pipeline.HandleEventsWith(new VolumeHandler(volume)).Then(sink.CreateHandler());
        pipeline.Start();
        sink.Start(); // subscribers connect to sink.LocalEndPoint and receive batch frames

        await using var source = new TcpSource<Trade, TradeCodec>(pipeline, default, TcpSourceOptions.Default with
        {
            SchemaId = TradeCodec.Schema,
            AuthToken = "s3cret"u8.ToArray(),
        });
        source.Start(); // loopback, free port: source.LocalEndPoint

        // Feeding side (usually another process): batches, resends after a reconnect, waits for acks.
        await using (var publisher = new TcpPublisher<Trade, TradeCodec>(source.LocalEndPoint!, default, TcpPublisherOptions.Default with
        {
            SchemaId = TradeCodec.Schema,
            AuthToken = "s3cret"u8.ToArray(),
            Compression = FrameCompression.Lz4,
        }))
        {
            publisher.Start();
            for (int i = 0; i < 100_000; i++)
            {
                publisher.Publish(new Trade { Timestamp = i, Price = 100_00, Quantity = 1, InstrumentId = i % 8 });
            }

            // Acked = done by every terminal stage. Throws instead of returning a flag: TimeoutException (how
            // far it got), ProtocolException when the source refused the session, or on cancellation.
            await publisher.WaitUntilAckedAsync(TimeSpan.FromSeconds(10), cancellationToken);
        }

        await source.DisposeAsync();
        await pipeline.DrainAsync(cancellationToken);
        return volume.Total; // 100 000
    }
}

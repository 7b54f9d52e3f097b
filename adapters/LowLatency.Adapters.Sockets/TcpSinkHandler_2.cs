using LowLatency.Engine.Processing;

namespace LowLatency.Adapters.Sockets;

/// <summary>
/// The pipeline stage that feeds a <see cref="TcpSink{T, TCodec}"/>: add it with
/// <c>HandleEventsWith(sink.CreateHandler())</c> or <c>.Then(sink.CreateHandler())</c>. One stage per sink.
/// </summary>
/// <typeparam name="T">The event.</typeparam>
/// <typeparam name="TCodec">The wire codec.</typeparam>
public readonly struct TcpSinkHandler<T, TCodec> : IEventHandler<T>
    where T : struct
    where TCodec : struct, IEventCodec<T>
{
    private readonly TcpSink<T, TCodec> _sink;

    internal TcpSinkHandler(TcpSink<T, TCodec> sink) => _sink = sink;

    /// <inheritdoc/>
    public void OnEvent(ref T data, long sequence, bool endOfBatch) => _sink.Append(ref data, sequence, endOfBatch);
}

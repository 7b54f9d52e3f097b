namespace LowLatency.Adapters.Sockets;

/// <summary>
/// Encodes and decodes one fixed-size event to and from its wire bytes, without allocating.
/// </summary>
/// <remarks>
/// Implement it on a <c>struct</c>: sources, publishers and sinks take the codec as a generic
/// argument constrained to <c>struct</c>, so the JIT specialises and inlines <see cref="Decode"/> into the
/// receive loop. Wire layouts are the host's to define (little-endian recommended, written with
/// <see cref="System.Buffers.Binary.BinaryPrimitives"/>); the only thing on the wire that identifies them is
/// the integer schema id of the session handshake, never a type name.
/// </remarks>
/// <typeparam name="T">The event.</typeparam>
public interface IEventCodec<T>
    where T : struct
{
    /// <summary>Bytes of one encoded event; constant for the codec's lifetime, between 1 and 65 535.</summary>
    int EventSize { get; }

    /// <summary>Writes <paramref name="value"/> into <paramref name="destination"/> (exactly <see cref="EventSize"/> bytes).</summary>
    void Encode(in T value, Span<byte> destination);

    /// <summary>Reads an event from <paramref name="source"/> (exactly <see cref="EventSize"/> bytes) into <paramref name="destination"/>, typically a claimed ring slot.</summary>
    void Decode(ReadOnlySpan<byte> source, ref T destination);
}

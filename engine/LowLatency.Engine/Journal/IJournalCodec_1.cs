namespace LowLatency.Engine.Journal;

/// <summary>
/// Turns events into fixed-size journal bytes and back. Implement it on a <c>struct</c>: the writer and the
/// replay are generic over it, so calls inline. <see cref="BlittableCodec{T}"/> covers unmanaged structs.
/// </summary>
/// <typeparam name="T">The event type.</typeparam>
public interface IJournalCodec<T>
    where T : struct
{
    /// <summary>The name written in each segment header; a journal of another name is refused.</summary>
    string EventType { get; }

    /// <summary>Bytes per encoded event.</summary>
    int EventSize { get; }

    /// <summary>A hash of the encoded layout; a journal with another hash is refused.</summary>
    ulong SchemaHash { get; }

    /// <summary>True when the encoding is the event's own memory (a batch is then copied in one move).</summary>
    bool IsRaw { get; }

    /// <summary>Writes <paramref name="e"/> into exactly <see cref="EventSize"/> bytes.</summary>
    void Encode(in T e, Span<byte> destination);

    /// <summary>Reads an event from exactly <see cref="EventSize"/> bytes into <paramref name="e"/>.</summary>
    void Decode(ReadOnlySpan<byte> source, ref T e);
}

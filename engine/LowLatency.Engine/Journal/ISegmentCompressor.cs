namespace LowLatency.Engine.Journal;

/// <summary>
/// Compresses a closed journal segment (<see cref="JournalOptions.Compressor"/>) and decompresses it for readers.
/// The journal's code knows compression only through this interface; <see cref="Lz4SegmentCompressor"/> is the one
/// the engine ships. An implementation is stateless or thread-safe: the writer's compression thread and any number
/// of readers call it at once.
/// </summary>
public interface ISegmentCompressor
{
    /// <summary>Stored in every segment it compresses, so a reader finds the compressor again (1–65535, unique per algorithm).</summary>
    ushort Id { get; }

    /// <summary>A short name for people (<c>journal inspect</c>, the lab's <c>--journal-compress</c>).</summary>
    string Name { get; }

    /// <summary>The most bytes <see cref="Compress"/> can write for <paramref name="rawLength"/> bytes.</summary>
    int MaxCompressedLength(int rawLength);

    /// <summary>Compresses <paramref name="raw"/> into <paramref name="destination"/>; returns the bytes written.</summary>
    int Compress(ReadOnlySpan<byte> raw, Span<byte> destination);

    /// <summary>
    /// Decompresses <paramref name="compressed"/> into <paramref name="destination"/>; returns the bytes written, or
    /// -1 when the input is not valid (the reader then reports the segment as corrupt).
    /// </summary>
    int Decompress(ReadOnlySpan<byte> compressed, Span<byte> destination);
}

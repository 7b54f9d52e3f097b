using K4os.Compression.LZ4;

namespace LowLatency.Engine.Journal;

/// <summary>
/// LZ4 block compression (K4os.Compression.LZ4, fast level) of a closed segment: id 1, name <c>lz4</c>. The only
/// journal type that touches K4os, the library the engine already uses for snapshots (see the README's design notes).
/// </summary>
public sealed class Lz4SegmentCompressor : ISegmentCompressor
{
    /// <summary>The one instance (the compressor holds no state).</summary>
    public static Lz4SegmentCompressor Instance { get; } = new();

    private Lz4SegmentCompressor()
    {
    }

    /// <inheritdoc/>
    public ushort Id => 1;

    /// <inheritdoc/>
    public string Name => "lz4";

    /// <inheritdoc/>
    public int MaxCompressedLength(int rawLength) => LZ4Codec.MaximumOutputSize(rawLength);

    /// <inheritdoc/>
    public int Compress(ReadOnlySpan<byte> raw, Span<byte> destination) => LZ4Codec.Encode(raw, destination, LZ4Level.L00_FAST);

    /// <inheritdoc/>
    public int Decompress(ReadOnlySpan<byte> compressed, Span<byte> destination) => LZ4Codec.Decode(compressed, destination);
}

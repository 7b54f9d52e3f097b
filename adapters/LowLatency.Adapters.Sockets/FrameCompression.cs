namespace LowLatency.Adapters.Sockets;

/// <summary>How a sender compresses batch frames.</summary>
public enum FrameCompression
{
    /// <summary>Batches go out as they are.</summary>
    None = 0,

    /// <summary>Each batch payload is one LZ4 block (K4os, fast level); a batch that would not shrink goes out uncompressed.</summary>
    Lz4 = 1,
}

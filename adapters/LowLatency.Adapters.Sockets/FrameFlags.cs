namespace LowLatency.Adapters.Sockets;

/// <summary>Flags of a frame header (byte 4). Unknown bits are a protocol error.</summary>
[Flags]
public enum FrameFlags : byte
{
    /// <summary>No flag.</summary>
    None = 0,

    /// <summary>The payload is one LZ4 block; the header's uncompressed length is its decoded size. Batch frames only.</summary>
    Lz4 = 0x01,
}

namespace LowLatency.Adapters.Tests.Sockets;

/// <summary>The hex test vectors printed in adapters/LowLatency.Adapters.Sockets/README.md (keep both in sync).</summary>
public static class ReadmeVectors
{
    /// <summary>Hello: session 0x0102030405060708, schema 7, event size 8, role publisher, token "abc".</summary>
    public const string Hello = "4C 4C 01 01 00 00 00 00 1B 00 00 00 1B 00 00 00 08 07 06 05 04 03 02 01 07 00 00 00 08 00 00 00 01 00 03 00 00 00 00 00 61 62 63";

    /// <summary>Welcome for a new session: nothing accepted (−1), nothing acked (−1).</summary>
    public const string Welcome = "4C 4C 01 02 00 00 00 00 18 00 00 00 18 00 00 00 08 07 06 05 04 03 02 01 FF FF FF FF FF FF FF FF FF FF FF FF FF FF FF FF";

    /// <summary>Batch: first sequence 0, two 8-byte events 0x11 and 0x22.</summary>
    public const string Batch = "4C 4C 01 03 00 00 00 00 20 00 00 00 20 00 00 00 00 00 00 00 00 00 00 00 02 00 00 00 08 00 00 00 11 00 00 00 00 00 00 00 22 00 00 00 00 00 00 00";

    /// <summary>LZ4 batch: first sequence 2, four 8-byte zero events; 28-byte block for a 48-byte payload.</summary>
    public const string BatchLz4 = "4C 4C 01 03 01 00 00 00 1C 00 00 00 30 00 00 00 FF 02 02 00 00 00 00 00 00 00 04 00 00 00 08 00 00 00 00 01 00 07 50 00 00 00 00 00";

    /// <summary>Ack: every event up to sequence 5.</summary>
    public const string Ack = "4C 4C 01 04 00 00 00 00 08 00 00 00 08 00 00 00 05 00 00 00 00 00 00 00";

    /// <summary>Heartbeat.</summary>
    public const string Heartbeat = "4C 4C 01 05 00 00 00 00 00 00 00 00 00 00 00 00";

    /// <summary>Close, reason 7 (FrameTooLarge).</summary>
    public const string Close = "4C 4C 01 06 00 00 00 00 04 00 00 00 04 00 00 00 07 00 00 00";

    public static byte[] Bytes(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    public static string Hex(ReadOnlySpan<byte> bytes) => string.Join(' ', Convert.ToHexString(bytes).Chunk(2).Select(c => new string(c)));
}

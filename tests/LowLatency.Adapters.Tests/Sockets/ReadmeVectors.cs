namespace LowLatency.Adapters.Tests.Sockets;

/// <summary>The hex test vectors printed in adapters/LowLatency.Adapters.Sockets/README.md (keep both in sync).</summary>
public static class ReadmeVectors
{
    /// <summary>Hello: session 0x0102030405060708, schema 7, event size 8, role publisher, token "abc".</summary>
    public const string Hello = "4C 4C 02 01 00 00 00 00 1B 00 00 00 1B 00 00 00 08 07 06 05 04 03 02 01 07 00 00 00 08 00 00 00 01 00 03 00 00 00 00 00 61 62 63";

    /// <summary>Welcome for a new session: nothing accepted (−1), nothing acked (−1).</summary>
    public const string Welcome = "4C 4C 02 02 00 00 00 00 18 00 00 00 18 00 00 00 08 07 06 05 04 03 02 01 FF FF FF FF FF FF FF FF FF FF FF FF FF FF FF FF";

    /// <summary>Batch: first sequence 0, two 8-byte events 0x11 and 0x22.</summary>
    public const string Batch = "4C 4C 02 03 00 00 00 00 24 00 00 00 24 00 00 00 00 00 00 00 00 00 00 00 02 00 00 00 08 00 00 00 11 00 00 00 00 00 00 00 22 00 00 00 00 00 00 00 C8 B4 43 3F";

    /// <summary>LZ4 batch: first sequence 2, four 8-byte zero events; 28-byte block for a 52-byte payload.</summary>
    public const string BatchLz4 = "4C 4C 02 03 01 00 00 00 1C 00 00 00 34 00 00 00 FF 02 02 00 00 00 00 00 00 00 04 00 00 00 08 00 00 00 00 01 00 0B 50 00 1F 64 63 F2";

    /// <summary>Ack: every event up to sequence 5.</summary>
    public const string Ack = "4C 4C 02 04 00 00 00 00 08 00 00 00 08 00 00 00 05 00 00 00 00 00 00 00";

    /// <summary>Heartbeat.</summary>
    public const string Heartbeat = "4C 4C 02 05 00 00 00 00 00 00 00 00 00 00 00 00";

    /// <summary>Close, reason 7 (FrameTooLarge).</summary>
    public const string Close = "4C 4C 02 06 00 00 00 00 04 00 00 00 04 00 00 00 07 00 00 00";

    /// <summary>Close, reason 4 (UnsupportedVersion), written with version byte 1 so a v1 peer can read why it was refused.</summary>
    public const string CloseV1 = "4C 4C 01 06 00 00 00 00 04 00 00 00 04 00 00 00 04 00 00 00";

    /// <summary>The hello of the v1 README (version byte 1): what a v1 publisher sends first.</summary>
    public const string HelloV1 = "4C 4C 01 01 00 00 00 00 1B 00 00 00 1B 00 00 00 08 07 06 05 04 03 02 01 07 00 00 00 08 00 00 00 01 00 03 00 00 00 00 00 61 62 63";

    public static byte[] Bytes(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    public static string Hex(ReadOnlySpan<byte> bytes) => string.Join(' ', Convert.ToHexString(bytes).Chunk(2).Select(c => new string(c)));
}

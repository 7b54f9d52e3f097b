namespace LowLatency.Adapters.Tests.Sockets;

/// <summary>The reliability event of RELIABILITY.md: source, key, per-key sequence, payload and its checksum (32 bytes on the wire).</summary>
public struct VerifiedTick
{
    public int Source;
    public int Key;
    public long KeySequence;
    public long Payload;
    public long Checksum;

    public static VerifiedTick Create(int source, int key, long keySequence)
    {
        long payload = unchecked(keySequence * (long)0x9E3779B97F4A7C15UL) ^ key;
        return new VerifiedTick { Source = source, Key = key, KeySequence = keySequence, Payload = payload, Checksum = Sum(source, key, keySequence, payload) };
    }

    public static long Sum(int source, int key, long keySequence, long payload) =>
        (((((long)source * 31) + key) * 31) + keySequence) * 31 + payload;

    public readonly bool IsIntact => Checksum == Sum(Source, Key, KeySequence, Payload);
}

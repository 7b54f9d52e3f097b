using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

namespace LowLatency.Engine.Integrity;

/// <summary>
/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of iSCSI (RFC 3720), ext4 and
/// Kafka record batches. <see cref="BitOperations.Crc32C(uint, ulong)"/> compiles to the SSE4.2 / ARMv8
/// <c>crc32</c> instruction where the CPU has it and to a table lookup elsewhere, so one code path serves
/// every machine. Check value: <c>Compute("123456789"u8) == 0xE3069283</c>.
/// </summary>
public static class Crc32C
{
    /// <summary>The CRC-32C of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => ~Append(0xFFFFFFFFu, data);

    /// <summary>
    /// Continues a running CRC: start from <c>0xFFFFFFFF</c>, append each part, and complement the result
    /// (<c>~Append(Append(0xFFFFFFFF, a), b) == Compute(a ++ b)</c>).
    /// </summary>
    public static uint Append(uint state, ReadOnlySpan<byte> data)
    {
        ReadOnlySpan<ulong> words = MemoryMarshal.Cast<byte, ulong>(data);
        foreach (ulong word in words)
        {
            // The instruction consumes little-endian words; the cast read them in host order.
            state = BitOperations.Crc32C(state, BitConverter.IsLittleEndian ? word : BinaryPrimitives.ReverseEndianness(word));
        }

        foreach (byte b in data[(words.Length * sizeof(ulong))..])
        {
            state = BitOperations.Crc32C(state, b);
        }

        return state;
    }
}
